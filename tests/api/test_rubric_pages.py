"""The admin's rubric pages: copy, edit with add and remove buttons, activate (web forms
with CSRF, on both databases)."""
import re

import pytest

from server.extensions import db
from server.i18n import CATALOGUES
from server.models import RubricVersion

from tests.support.admin import other_township_admin
from tests.support.web import csrf_token, login


@pytest.fixture
def admin(client):
    login(client, "admin")
    client.get("/lang/en")
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def stored(app, version: int) -> dict:
    with app.app_context():
        rubric = db.session.execute(db.select(RubricVersion).where(
            RubricVersion.version == version)).scalar_one()
        return {"state": rubric.state, **rubric.to_dict()}


def form_of(rubric: dict) -> dict:
    """The fields the draft's form posts, as the page fills them."""
    data = {"criteria": str(len(rubric["criteria"])), "title": ""}
    for n, c in enumerate(rubric["criteria"]):
        data.update({f"c{n}.key": c["key"], f"c{n}.max": f"{c['max']:g}",
                     f"c{n}.label_zh": c["label_zh"], f"c{n}.label_en": c["label_en"],
                     f"c{n}.items": str(len(c["items"]))})
        for m, i in enumerate(c["items"]):
            f = f"c{n}.i{m}."
            data.update({f + "key": i["key"], f + "points": f"{i['points']:g}",
                         f + "kind": i["kind"], f + "label_zh": i["label_zh"],
                         f + "label_en": i["label_en"]})
            if i["photo_required"]:
                data[f + "photo_required"] = "on"
    return data


def post(client, path, data=None, page="/admin/rubrics"):
    token = csrf_token(client.get(page))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def copy(admin) -> None:
    response = post(admin, "/admin/rubrics/1/copy")
    assert response.status_code == 303 and response.location.endswith("/admin/rubrics/2")


def test_copy_then_add_and_remove_criteria_and_items(app, admin):
    copy(admin)
    page = text(admin.get("/admin/rubrics/2"))
    assert 'name="c9.i3.key" value="trees_unprotected"' in page and "add up to 100" in page
    base = form_of(stored(app, 2))
    assert post(admin, "/admin/rubrics/2", {**base, "action": "add_criterion"},
                "/admin/rubrics/2").status_code == 303
    added = stored(app, 2)["criteria"][-1]
    assert (added["key"], added["max"], added["label_en"], len(added["items"])) == (
        "criterion_1", 0, "New criterion", 1)
    assert added["label_zh"] == "新评分项"
    base = form_of(stored(app, 2))
    post(admin, "/admin/rubrics/2", {**base, "action": "add_item:0"}, "/admin/rubrics/2")
    assert [i["key"] for i in stored(app, 2)["criteria"][0]["items"]][-1] == "item_1"
    base = form_of(stored(app, 2))
    post(admin, "/admin/rubrics/2", {**base, "action": "remove_item:0:0"}, "/admin/rubrics/2")
    post(admin, "/admin/rubrics/2", {**form_of(stored(app, 2)), "action": "remove_criterion:10"},
         "/admin/rubrics/2")
    criteria = stored(app, 2)["criteria"]
    assert len(criteria) == 10 and criteria[0]["items"][0]["key"] == "rules_not_posted"


def test_a_bad_key_is_shown_where_it_is_and_nothing_is_saved(app, admin):
    copy(admin)
    data = {**form_of(stored(app, 2)), "c1.i0.key": "Litter spot", "c1.max": "11",
            "action": "save"}
    response = post(admin, "/admin/rubrics/2", data, "/admin/rubrics/2")
    assert response.status_code == 400
    page = text(response)
    assert "Criterion 2 (collection) · item 1 · Key: the key “Litter spot” is not valid" in page
    assert 'value="Litter spot"' in page and 'name="c1.max" value="11"' in page  # kept as typed
    assert stored(app, 2)["criteria"][1]["items"][0]["key"] == "litter"


def test_a_sum_of_99_is_refused_on_activating(app, admin):
    copy(admin)
    post(admin, "/admin/rubrics/2", {**form_of(stored(app, 2)), "c0.max": "9"},
         "/admin/rubrics/2")
    response = post(admin, "/admin/rubrics/2/activate", page="/admin/rubrics/2")
    assert response.status_code == 400
    assert "the criteria&#39;s maxima add up to 99; they must add up to 100" in text(response)
    assert stored(app, 2)["state"] == "draft"
    post(admin, "/admin/rubrics/2", {**form_of(stored(app, 2)), "c1.max": "13"},
         "/admin/rubrics/2")
    assert post(admin, "/admin/rubrics/2/activate", page="/admin/rubrics/2").status_code == 303
    assert stored(app, 2)["state"] == "active"
    page = text(admin.get("/admin/rubrics/2"))
    assert "can no longer change" in page and 'name="c0.max"' not in page
    refused = post(admin, "/admin/rubrics/2", form_of(stored(app, 2)), "/admin/rubrics/2")
    assert refused.status_code == 400 and "version 2 is active" in text(refused)
    form = text(admin.get("/admin/rounds/new"))
    assert "selected>version 2" in form


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_saved_draft_of_102_is_not_activated_and_says_why_and_that_it_is_kept(
        app, client, lang):
    login(client, "admin")
    client.get(f"/lang/{lang}")
    copy(client)
    saved = post(client, "/admin/rubrics/2", {**form_of(stored(app, 2)), "c0.max": "12",
                                              "action": "save"}, "/admin/rubrics/2")
    assert saved.status_code == 303                                  # the draft is saved
    response = post(client, "/admin/rubrics/2/activate", page="/admin/rubrics/2")
    assert response.status_code == 400
    alert = text(response).split('role="alert"')[1].split("</div>")[0]
    words = CATALOGUES[lang]
    assert words["rubric.not_activated"].format(version=2) in alert
    assert words["problem.max_sum"].format(sum=102, total=100).replace("'", "&#39;") in alert
    assert words["admin.form_invalid"] not in alert                 # not "not saved"
    assert ("未保存" if lang == "zh" else "Not saved") not in alert
    assert stored(app, 2)["state"] == "draft" and stored(app, 2)["criteria"][0]["max"] == 12


def labels(app) -> list[str]:
    with app.app_context():
        rubric = db.session.execute(db.select(RubricVersion).where(
            RubricVersion.version == 2)).scalar_one()
        return [rubric.title] + [c.label_zh for c in rubric.criteria]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_title_or_label_too_long_is_refused_naming_its_field_not_cut(app, client, lang):
    """No maxlength has the browser cut a pasted label; the one length rule refuses it."""
    login(client, "admin")
    client.get(f"/lang/{lang}")
    copy(client)
    page = text(client.get("/admin/rubrics/2"))
    for name in ("title", "c0.label_zh", "c0.i0.label_en"):
        [tag] = re.findall(rf'<input name="{re.escape(name)}"[^>]*>', page)
        assert "maxlength" not in tag
    before, data, words = labels(app), form_of(stored(app, 2)), CATALOGUES[lang]
    too_long = words["problem.too_long"].format(max=200)
    for name, where in (("title", words["rubric.title"]),
                        ("c0.label_zh", words["rubric.where_criterion"].format(
                            n=1, name=data["c0.key"]) + " · " + words["rubric.field.label_zh"])):
        response = post(client, "/admin/rubrics/2", {**data, name: "评" * 300, "action": "save"},
                        "/admin/rubrics/2")
        assert response.status_code == 400
        shown = text(response)
        assert f"{where}: {too_long}" in shown and f'value="{"评" * 300}"' in shown
        assert labels(app) == before


@pytest.mark.parametrize("username", ["inspector1", "supervisor1"])
def test_other_roles_are_refused(client, username):
    login(client, username)
    assert client.get("/admin/rubrics").status_code == 403
    assert client.get("/admin/rubrics/1").status_code == 403


def test_another_townships_admin_does_not_find_our_draft(app, admin):
    copy(admin)
    with app.app_context():
        username = other_township_admin()
    other = app.test_client()
    login(other, username)
    assert other.get("/admin/rubrics/2").status_code == 404
    assert post(other, "/admin/rubrics/2/activate").status_code == 404
    assert post(other, "/admin/rubrics/2", form_of(stored(app, 2))).status_code == 404
    assert post(other, "/admin/rubrics/2/copy").status_code == 404
    assert "/admin/rubrics/2" not in text(other.get("/admin/rubrics"))
    assert other.get("/admin/rubrics/1").status_code == 200      # the shared version


def test_the_pages_read_in_chinese(app, client):
    login(client, "admin")
    listing = text(client.get("/admin/rubrics"))
    assert "评分细则版本" in listing and "新评比默认使用" in listing
    post(client, "/admin/rubrics/1/copy")
    draft = text(client.get("/admin/rubrics/2"))
    assert "评分项 2（collection）" in draft and "一票否决" in draft and "启用此版本" in draft
