"""One length rule for every name an admin types (rounds, teams, users, devices, rubric
labels), on every page: a name longer than its column is refused with a message naming
the field, in the reader's language, and the name stays as typed to be shortened. No
page cuts it silently: a `maxlength` on the field would have the browser drop the rest
of a pasted name without a word (a 300-character round name saved as its first 100).
Rubric labels: test_rubric_pages.py. The API, the CSV import and the command line
refuse the same lengths (test_admin.py, test_people.py, test_teams.py, test_cli.py; the
rule itself: tests/domain)."""
import re
from datetime import timedelta

import pytest

from server.extensions import db
from server.i18n import CATALOGUES
from server.models import DeviceToken, Round, Team, User

from tests.support.web import csrf_token, login

TYPED = "评" * 300


def demo_round(app) -> Round:
    with app.app_context():
        return db.session.execute(db.select(Round)).scalar_one()


def next_round(app) -> dict:
    current = demo_round(app)
    starts = current.ends_on + timedelta(days=1)
    return {"name": "下月评比", "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=27)).isoformat(),
            "rubric_id": str(current.rubric_id), "red_size": "3", "black_size": ""}


def inspector1(app) -> User:
    with app.app_context():
        return db.session.execute(db.select(User).where(User.username == "inspector1")).scalar_one()


def stored_names(app) -> set:
    """Every name the forms below could have stored."""
    with app.app_context():
        names = set()
        for column in (Round.name, Round.name_en, Team.name, User.username,
                       User.display_name, DeviceToken.device_name):
            names.update(db.session.execute(db.select(column)).scalars())
        return names


# (form, page it is on, where it posts, fields posted besides the name, the field, its
# words on the page (catalogue key), the column's size)
FORMS = {
    "new round": ("/admin/rounds/new", "/admin/rounds/new", next_round, "name",
                  "admin.field.name", 100),
    "new round, English name": ("/admin/rounds/new", "/admin/rounds/new", next_round,
                                "name_en", "admin.field.name_en", 100),
    "edited round": ("/admin/rounds/{round}/edit", "/admin/rounds/{round}/edit",
                     lambda app: {**next_round(app), "starts_on": demo_round(app).starts_on
                                  .isoformat(), "ends_on": demo_round(app).ends_on.isoformat()},
                     "name", "admin.field.name", 100),
    "new team": ("/admin/rounds/{round}/teams", "/admin/rounds/{round}/teams",
                 lambda app: {}, "name", "admin.field.name", 100),
    "new user": ("/admin/users/new", "/admin/users/new",
                 lambda app: {"username": "zhao", "display_name": "赵", "role": "inspector",
                              "password": "long-enough-pw"},
                 "display_name", "admin.field.display_name", 100),
    "new user's username": ("/admin/users/new", "/admin/users/new",
                            lambda app: {"display_name": "赵", "role": "inspector",
                                         "password": "long-enough-pw"},
                            "username", "admin.field.username", 80),
    "edited user": ("/admin/users/{inspector}", "/admin/users/{inspector}",
                    lambda app: {"role": "inspector"}, "display_name",
                    "admin.field.display_name", 100),
    "device": ("/admin/", "/admin/devices/{device}/rename", lambda app: {}, "device_name",
               "admin.field.device_name", 100),
}


def place(app, path: str) -> str:
    with app.app_context():
        device = db.session.execute(db.select(DeviceToken.id)).scalar_one()
    return path.format(round=demo_round(app).id, inspector=inspector1(app).id, device=device)


def field_tags(page: str, name: str) -> list[str]:
    return re.findall(rf'<input name="{re.escape(name)}"[^>]*>', page)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("form", list(FORMS))
def test_a_name_too_long_is_refused_naming_its_field(app, api, client, form, lang):
    api.as_user("inspector1")                                  # a phone to rename
    login(client, "admin")
    client.get(f"/lang/{lang}")
    page_path, action, fields, name, label, size = FORMS[form]
    before = stored_names(app)
    page = client.get(place(app, page_path))
    tags = field_tags(page.get_data(as_text=True), name)
    assert tags and not [tag for tag in tags if "maxlength" in tag]   # the browser cuts nothing

    response = client.post(place(app, action), data={
        **fields(app), name: TYPED, "csrf_token": csrf_token(page)})
    assert response.status_code == 400
    shown = response.get_data(as_text=True)
    words = CATALOGUES[lang]
    assert f"{words[label]}: {words['problem.too_long'].format(max=size)}" in shown
    assert f'value="{TYPED}"' in shown                        # kept, to be shortened
    assert stored_names(app) == before and not any(n and n.startswith("评" * 80)
                                                   for n in stored_names(app))
