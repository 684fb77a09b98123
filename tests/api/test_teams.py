"""A round's teams and assignments through the API: the phones get what the admin sets."""
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import AuditEntry, Round

from tests.support.admin import other_township_admin


@pytest.fixture
def admin(api):
    return api.as_user("admin")


def round_id(admin) -> int:
    return admin.get("/rounds").get_json()[0]["id"]


def user_id(app, username) -> int:
    from server.models import User

    with app.app_context():
        return db.session.execute(db.select(User.id).where(User.username == username)).scalar_one()


def audit_actions(app) -> list[str]:
    with app.app_context():
        return db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()


def my_groups(phone, cursor=None) -> tuple[set[int], str]:
    """The groups the phone is assigned to (in the current round), applying the pulls."""
    changes, cursor = phone.pull_all(cursor)
    mine = {}
    for c in changes:
        if c["type"] == "assignment":
            mine[c["id"]] = c["data"]["group_id"] if c["op"] == "put" else None
    return mine, cursor


def assigned(mine: dict, more: dict) -> set[int]:
    return {g for g in {**mine, **more}.values() if g is not None}


def test_a_team_and_its_group_reach_the_members_phones(app, api, admin, ref):
    phone2 = api.as_user("inspector2")
    before, cursor = my_groups(phone2)
    group = ref["assigned"][0]   # inspector1's group
    assert group not in assigned(before, {})
    rid = round_id(admin)
    me, other = user_id(app, "inspector1"), user_id(app, "inspector2")
    created = admin.post(f"/rounds/{rid}/teams", json={"name": "联合组", "member_ids": [me, other]})
    assert created.status_code == 201, created.get_json()
    team = created.get_json()
    assert (team["name"], team["member_ids"], team["group_ids"]) == ("联合组", [me, other], [])
    response = admin.put(f"/rounds/{rid}/assignments",
                         json={"groups": [{"group_id": group, "team_id": team["id"]}]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["added"] == 1 and body["removed"] == 0
    row = next(g for g in body["groups"] if g["group_id"] == group)
    assert (row["team_id"], row["user_ids"]) == (team["id"], sorted([me, other]))
    after, cursor = my_groups(phone2, cursor)
    assert group in assigned(before, after)

    # inspector2 leaves the team: the group leaves the phone on its next pull.
    changed = admin.put(f"/teams/{team['id']}", json={"name": "联合一组", "member_ids": [me]})
    assert changed.status_code == 200
    assert changed.get_json()["group_ids"] == [group]
    later, _ = my_groups(phone2, cursor)
    assert group not in assigned({**before, **after}, later)
    assert audit_actions(app) == ["create_team", "assign", "edit_team"]


def test_a_group_assigned_to_a_person_and_teams_listed(app, api, admin, ref):
    rid = round_id(admin)
    other = user_id(app, "inspector2")
    group = ref["assigned"][0]
    response = admin.put(f"/rounds/{rid}/assignments",
                         json={"groups": [{"group_id": group, "user_ids": [other]}]})
    row = next(g for g in response.get_json()["groups"] if g["group_id"] == group)
    assert (row["team_id"], row["user_ids"]) == (None, [other])
    teams = admin.get(f"/rounds/{rid}/teams").get_json()
    assert [t["name"] for t in teams] == ["第一检查组", "第二检查组"]
    assert group not in teams[0]["group_ids"]
    listed = admin.get(f"/rounds/{rid}/assignments").get_json()["groups"]
    assert next(g for g in listed if g["group_id"] == group)["user_ids"] == [other]


def test_deleting_a_team_removes_its_assignments(app, admin, ref):
    rid = round_id(admin)
    first = admin.get(f"/rounds/{rid}/teams").get_json()[0]
    assert first["group_ids"]
    assert admin.delete(f"/teams/{first['id']}").status_code == 204
    assert [t["name"] for t in admin.get(f"/rounds/{rid}/teams").get_json()] == ["第二检查组"]
    listed = {g["group_id"] for g in admin.get(f"/rounds/{rid}/assignments").get_json()["groups"]}
    assert listed.isdisjoint(first["group_ids"])
    assert admin.delete(f"/teams/{first['id']}").status_code == 404


def test_copying_a_round_copies_its_teams(app, admin, ref):
    first = round_id(admin)
    with app.app_context():
        current = db.session.get(Round, first)
        starts = current.ends_on + timedelta(days=1)
    created = admin.post("/rounds", json={"name": "下月", "starts_on": starts.isoformat(),
                                           "ends_on": (starts + timedelta(days=20)).isoformat(),
                                           "rubric_version": 1}).get_json()
    copied = admin.post(f"/rounds/{created['id']}/assignments/copy")
    assert copied.status_code == 200
    old = admin.get(f"/rounds/{first}/teams").get_json()
    new = admin.get(f"/rounds/{created['id']}/teams").get_json()
    assert [(t["name"], t["member_ids"], t["group_ids"]) for t in new] == [
        (t["name"], t["member_ids"], t["group_ids"]) for t in old]
    assert {t["id"] for t in new}.isdisjoint(t["id"] for t in old)
    # The first round has no round before it.
    refused = admin.post(f"/rounds/{first}/assignments/copy")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "no_previous_round")


def test_bad_teams_are_refused_with_fields(app, admin, ref):
    rid = round_id(admin)
    taken = admin.post(f"/rounds/{rid}/teams", json={"name": "第一检查组"})
    assert (taken.status_code, taken.get_json()["error"]["code"]) == (409, "team_name_taken")
    bad = admin.post(f"/rounds/{rid}/teams",
                     json={"name": " ", "member_ids": [user_id(app, "supervisor1")]})
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["fields"]) == {"name", "member_ids"}
    assert admin.post(f"/rounds/{rid}/teams", json={"name": "组" * 101}).status_code == 400
    assert admin.post(f"/rounds/{rid}/teams", json={"name": "x", "member_ids": ["1"]}) \
        .status_code == 400
    not_a_team = admin.put(f"/rounds/{rid}/assignments",
                           json={"groups": [{"group_id": ref["assigned"][0],
                                             "team_id": 2 ** 31 - 1}]})
    assert not_a_team.status_code == 400
    assert admin.put(f"/rounds/{rid}/assignments", json={"groups": "x"}).status_code == 400
    assert audit_actions(app) == []


def calls(rid: int, team_id: int, group_id: int):
    return [("get", f"/rounds/{rid}/teams", None),
            ("post", f"/rounds/{rid}/teams", {"name": "新组"}),
            ("put", f"/teams/{team_id}", {"name": "新名"}),
            ("delete", f"/teams/{team_id}", None),
            ("get", f"/rounds/{rid}/assignments", None),
            ("put", f"/rounds/{rid}/assignments", {"groups": [{"group_id": group_id}]}),
            ("post", f"/rounds/{rid}/assignments/copy", None)]


@pytest.mark.parametrize("role, status", [("inspector1", 403), ("supervisor1", 403),
                                          ("elsewhere", 404)])
def test_only_the_townships_admin(app, api, admin, ref, role, status):
    rid = round_id(admin)
    team = admin.get(f"/rounds/{rid}/teams").get_json()[0]["id"]
    username = other_township_admin(app) if role == "elsewhere" else role
    caller = api.as_user(username)
    for method, path, body in calls(rid, team, ref["assigned"][0]):
        response = getattr(caller, method)(path, json=body) if body else \
            getattr(caller, method)(path)
        assert response.status_code == status, (method, path)
        assert "error" in response.get_json()
    assert audit_actions(app) == []


def test_the_admin_may_do_each(app, admin, ref):
    rid = round_id(admin)
    team = admin.get(f"/rounds/{rid}/teams").get_json()[0]["id"]
    statuses = []
    for method, path, body in calls(rid, team, ref["assigned"][0]):
        response = getattr(admin, method)(path, json=body) if body else getattr(admin, method)(path)
        statuses.append(response.status_code)
    assert statuses == [200, 201, 200, 204, 200, 200, 409]
