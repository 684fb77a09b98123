"""Households through the API (sync-protocol.md, "/households…"): the contract's shapes,
the CSV round trip, the preview before the import, per-line errors, the pull, and
isolation between townships and roles."""
import io

import pytest

from server.extensions import db
from server.models import AuditEntry, VillagerGroup

from tests.support.townships import other_township

HEADER = "village,group,number,head,members,active\n"
LINES = ("曼贺村,曼贺一组,02,岩温,4,1\n"
         "曼贺村,曼贺一组,01,玉香,,\n"
         "曼贺村,曼贺二组,12-1,李建国,3,0\n")


@pytest.fixture
def admin(api):
    return api.as_user("admin")


def send(caller, raw: bytes, dry_run: bool):
    return caller.post("/households/import" + ("?dry_run=1" if dry_run else ""),
                       data={"file": (io.BytesIO(raw), "households.csv")},
                       content_type="multipart/form-data")


def group_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(VillagerGroup.id).where(
            VillagerGroup.name == name)).scalar_one()


def audit_actions(app) -> list[str]:
    with app.app_context():
        return db.session.execute(
            db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()


@pytest.fixture
def imported(admin):
    response = send(admin, (HEADER + LINES).encode(), dry_run=False)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_preview_writes_nothing_and_the_import_does(app, api, admin):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    preview = send(admin, (HEADER + LINES).encode(), dry_run=True)
    assert preview.status_code == 200
    assert preview.get_json() == {
        "dry_run": True, "changes_anything": True,
        "counts": {"new": 3, "changed": 0, "unchanged": 0},
        "lines": [{"village": "曼贺村", "group": "曼贺一组", "number": "02", "kind": "new",
                   "changes": {}},
                  {"village": "曼贺村", "group": "曼贺一组", "number": "01", "kind": "new",
                   "changes": {}},
                  {"village": "曼贺村", "group": "曼贺二组", "number": "12-1", "kind": "new",
                   "changes": {}}]}
    assert phone.get("/households").get_json() == {"households": []}
    assert phone.pull_all(cursor)[0] == [] and audit_actions(app) == []

    done = send(admin, (HEADER + LINES).encode(), dry_run=False)
    assert done.status_code == 200 and done.get_json()["dry_run"] is False
    assert audit_actions(app) == ["import_households"]
    # Inspectors pull every household of their township, with the contract's fields.
    pulled = sorted((c["data"] for c in phone.pull_all(cursor)[0] if c["type"] == "household"),
                    key=lambda h: (h["group_id"], h["number"]))
    one, two = group_id(app, "曼贺一组"), group_id(app, "曼贺二组")
    assert [{k: v for k, v in h.items() if k != "id"} for h in pulled] == [
        {"group_id": one, "number": "01", "head": "玉香", "members": None, "active": True,
         "balance": 0},
        {"group_id": one, "number": "02", "head": "岩温", "members": 4, "active": True,
         "balance": 0},
        {"group_id": two, "number": "12-1", "head": "李建国", "members": 3, "active": False,
         "balance": 0}]
    assert all(isinstance(h["id"], int) for h in pulled)


@pytest.mark.parametrize("username", ["inspector1", "supervisor1", "admin"])
def test_township_users_read_households_by_group_or_all(app, api, imported, username):
    caller = api.as_user(username)
    one = group_id(app, "曼贺一组")
    listed = caller.get(f"/households?group_id={one}")
    assert listed.status_code == 200
    assert [(h["number"], h["head"]) for h in listed.get_json()["households"]] == [
        ("01", "玉香"), ("02", "岩温")]
    everything = caller.get("/households").get_json()["households"]
    assert sorted(h["number"] for h in everything) == ["01", "02", "12-1"]
    exported = caller.get("/households.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"


@pytest.mark.parametrize("query", ["group_id=abc", "group_id=0", "group_id=-1",
                                   "group_id=99999999999"])
def test_a_group_id_that_is_not_an_id_is_a_400(api, query):
    response = api.as_user("inspector1").get(f"/households?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_the_export_reads_back_unchanged(app, admin, imported):
    raw = admin.get("/households.csv").get_data()
    assert raw.startswith(b"\xef\xbb\xbfvillage,group,number,head,members,active\r\n")
    assert "曼贺村,曼贺二组,12-1,李建国,3,0" in raw.decode("utf-8-sig")
    preview = send(admin, raw, dry_run=True).get_json()
    assert preview["changes_anything"] is False
    assert preview["counts"] == {"new": 0, "changed": 0, "unchanged": 3}


def test_a_change_is_previewed_column_by_column(admin, imported):
    edited = HEADER + "曼贺村,曼贺一组,02,岩温光,5,0\n"
    [line] = send(admin, edited.encode(), dry_run=True).get_json()["lines"]
    assert line == {"village": "曼贺村", "group": "曼贺一组", "number": "02", "kind": "changed",
                    "changes": {"head": ["岩温", "岩温光"], "members": [4, 5],
                                "active": [True, False]}}


def test_bad_lines_are_answered_per_line_and_nothing_is_written(app, admin, imported):
    raw = (HEADER + "曼贺村,曼贺一组,03," + "岩" * 51 + ",,\n"   # 2: head too long
           "曼贺村,曼贺一组,04,玉香,,\n"
           "曼贺村,曼贺一组,04,岩光,,\n"                          # 4: twice in the file
           "曼贺村,不存在,05,玉香,,\n"                            # 5: no such group
           "曼贺村,曼贺一组,06,玉香,x,\n").encode()                # 6: members
    response = send(admin, raw, dry_run=False)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request"
    assert error["fields"]["file"] == [
        "line 2: head is longer than 50 characters",
        "line 4: household 04 of 曼贺村 / 曼贺一组 appears twice",
        "line 5: there is no group 曼贺村 / 不存在 (import the places first)",
        "line 6: members 'x' is not a whole number of 0 or more"]
    assert audit_actions(app) == ["import_households"]  # the fixture's, nothing more
    assert len(admin.get("/households").get_json()["households"]) == 3


def test_a_number_already_in_the_group_updates_that_household(admin, imported):
    send(admin, (HEADER + "曼贺村,曼贺一组,01,玉香,2,\n").encode(), dry_run=False)
    households = admin.get("/households").get_json()["households"]
    assert [(h["number"], h["members"]) for h in households if h["number"] == "01"] == [("01", 2)]
    assert len(households) == 3


def test_a_too_large_file_is_a_413(admin):
    response = send(admin, HEADER.encode() + b"x" * (2 * 1024 * 1024 + 1), dry_run=True)
    assert response.status_code == 413


@pytest.mark.parametrize("username", ["inspector1", "supervisor1"])
def test_only_admins_import(api, username):
    response = send(api.as_user(username), (HEADER + LINES).encode(), dry_run=True)
    assert response.status_code == 403


def test_another_township_sees_none_of_these_households(app, api, imported):
    b = other_township(app)
    one = group_id(app, "曼贺一组")
    for role, username in b.usernames.items():
        caller = api.as_user(username)
        assert caller.get(f"/households?group_id={one}").status_code == 404
        assert caller.get("/households").get_json() == {"households": []}
        assert "岩温" not in caller.get("/households.csv").get_data().decode("utf-8-sig")
        pulled = caller.pull_all()[0]
        assert not [c for c in pulled if c["type"] == "household"], role
    # Their import cannot name this township's groups either.
    response = send(api.as_user(b.usernames["admin"]), (HEADER + LINES).encode(), dry_run=True)
    assert response.status_code == 400
    assert "line 2: there is no group 曼贺村 / 曼贺一组" in response.get_json()["error"]["fields"][
        "file"][0]
