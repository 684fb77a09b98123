"""The teams, assignments and places pages: the same rules as the API, for the
township's admin only."""
import io
import re

import pytest

from server.extensions import db
from server.models import Assignment, Team, User, VillagerGroup

from tests.support.admin import other_township_admin
from tests.support.web import csrf_token, login


def ids(app) -> dict:
    with app.app_context():
        team = db.session.execute(db.select(Team).order_by(Team.id)).scalars().first()
        group = db.session.execute(db.select(VillagerGroup.id).order_by(VillagerGroup.id)).scalars().first()
        users = dict(db.session.execute(db.select(User.username, User.id)).all())
        return {"round": team.round_id, "team": team.id, "group": group, **users}


def signed_in(app, username):
    client = app.test_client()
    login(client, username)
    client.get("/lang/en")
    return client


def post(client, path, data, page="/admin/"):
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(page))})


def assignees(app, round_id, group_id) -> dict[int, int | None]:
    with app.app_context():
        return dict(db.session.execute(db.select(Assignment.user_id, Assignment.team_id).where(
            Assignment.round_id == round_id, Assignment.group_id == group_id)).all())


def test_a_team_made_renamed_and_deleted_on_its_page(app):
    admin, n = signed_in(app, "admin"), ids(app)
    teams = f"/admin/rounds/{n['round']}/teams"
    assert "第一检查组" in admin.get(teams).get_data(as_text=True)
    made = post(admin, teams, {"name": "联合组", "member_ids": [n["inspector1"], n["inspector2"]]},
                page=teams)
    assert made.status_code == 303
    with app.app_context():
        team = db.session.execute(db.select(Team).where(Team.name == "联合组")).scalar_one().id
    # The group goes to the new team on the assignments page: both members have it.
    page = f"/admin/rounds/{n['round']}/assignments"
    saved = post(admin, page, {"group_ids": n["group"], f"team-{n['group']}": team,
                               f"group-{n['group']}": ""}, page=page)
    assert saved.status_code == 303
    assert assignees(app, n["round"], n["group"]) == {n["inspector1"]: team, n["inspector2"]: team}
    shown = admin.get(page).get_data(as_text=True)
    assert re.search(rf'<option value="{team}" selected>联合组', shown)
    # One member leaves: the group's assignments follow.
    assert post(admin, f"/admin/teams/{team}", {"name": "联合一组",
                                                "member_ids": [n["inspector2"]]},
                page=teams).status_code == 303
    assert assignees(app, n["round"], n["group"]) == {n["inspector2"]: team}
    assert post(admin, f"/admin/teams/{team}/delete", {}, page=teams).status_code == 303
    assert assignees(app, n["round"], n["group"]) == {}


def test_a_refused_team_says_why(app):
    admin, n = signed_in(app, "admin"), ids(app)
    teams = f"/admin/rounds/{n['round']}/teams"
    taken = post(admin, teams, {"name": "第一检查组", "member_ids": [n["supervisor1"]]}, page=teams)
    assert taken.status_code == 400
    body = taken.get_data(as_text=True)
    assert "already has a team called" in body and "active inspectors" in body
    assert post(admin, teams, {"name": "x", "member_ids": ["abc"]}, page=teams).status_code == 400


def test_a_reference_point_typed_on_its_page(app):
    admin, n = signed_in(app, "admin"), ids(app)
    page = f"/admin/groups/{n['group']}/reference"
    assert "No inspection of this group has a GPS fix yet" in admin.get(page).get_data(as_text=True)
    assert post(admin, page, {"lat": "22.5", "lon": "100.25"}, page=page).status_code == 303
    bad = post(admin, page, {"lat": "north", "lon": ""}, page=page)
    assert bad.status_code == 400 and "enter a number" in bad.get_data(as_text=True)
    assert post(admin, page, {"lat": "95", "lon": "1"}, page=page).status_code == 400
    with app.app_context():
        group = db.session.get(VillagerGroup, n["group"])
        assert (group.lat, group.lon) == (22.5, 100.25)
    refused = post(admin, f"{page}/from-inspections", {}, page=page)
    assert refused.status_code == 303


def test_the_places_preview_lists_changes_and_confirms(app):
    admin = signed_in(app, "admin")
    exported = admin.get("/admin/places.csv").get_data()
    page = "/admin/places/import"
    same = admin.post(page, data={"file": (io.BytesIO(exported), "p.csv"),
                                  "csrf_token": csrf_token(admin.get(page))},
                      content_type="multipart/form-data")
    assert "No changes" in same.get_data(as_text=True)
    assert 'name="file_data"' not in same.get_data(as_text=True)
    more = exported + "新寨村,,新寨一组,,,\n".encode()
    preview = admin.post(page, data={"file": (io.BytesIO(more), "p.csv"),
                                     "csrf_token": csrf_token(admin.get(page))},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "1 new villages, 1 new groups, 0 changed" in preview
    data = re.search(r'name="file_data" value="([^"]*)"', preview).group(1)
    with app.app_context():
        before = db.session.execute(db.select(db.func.count(VillagerGroup.id))).scalar_one()
    assert admin.post(f"{page}/confirm", data={"file_data": data, "filename": "p.csv",
                                               "csrf_token": csrf_token(admin.get(page))}
                      ).status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(VillagerGroup.id))).scalar_one() \
            == before + 1
    broken = admin.post(f"{page}/confirm", data={"file_data": "%%%",
                                                 "csrf_token": csrf_token(admin.get(page))})
    assert broken.status_code == 400


@pytest.mark.parametrize("role, status", [("inspector1", 403), ("supervisor1", 403),
                                          ("elsewhere", 404)])
def test_only_the_townships_admin(app, role, status):
    n = ids(app)
    client = signed_in(app, other_township_admin(app) if role == "elsewhere" else role)
    token = csrf_token(client.get("/login")) if role != "elsewhere" else \
        csrf_token(client.get("/admin/"))
    gets = [f"/admin/rounds/{n['round']}/teams", f"/admin/groups/{n['group']}/reference"]
    posts = [f"/admin/rounds/{n['round']}/teams", f"/admin/teams/{n['team']}",
             f"/admin/teams/{n['team']}/delete", f"/admin/groups/{n['group']}/reference",
             f"/admin/groups/{n['group']}/reference/from-inspections"]
    for path in gets:
        assert client.get(path).status_code == status, path
    for path in posts:
        assert client.post(path, data={"csrf_token": token, "name": "x"}).status_code == status, path
    with app.app_context():
        assert db.session.get(Team, n["team"]) is not None
