"""GET /sync/pull: snapshots, paging, cursors, tombstones and scope."""
import pytest

from server.changes import record_change
from server.extensions import db
from server.models import Assignment
from tests.support.factories import inspection, reference


def keyed(changes):
    return [(c["type"], c["id"]) for c in changes]


def test_full_snapshot_has_the_reference_data(api):
    phone = api.as_user("inspector1")
    changes, _ = phone.pull_all()
    types = {c["type"] for c in changes}
    assert {"rubric", "village", "group", "round", "assignment"} <= types
    rubric = next(c["data"] for c in changes if c["type"] == "rubric")
    assert rubric["version"] == 1 and len(rubric["criteria"]) == 10
    assert sum(c["max"] for c in rubric["criteria"]) == 100
    group = next(c["data"] for c in changes if c["type"] == "group")
    assert set(group) >= {"id", "village_id", "name", "name_en", "lat", "lon"}
    round_ = next(c["data"] for c in changes if c["type"] == "round")
    assert set(round_) >= {"id", "name", "starts_on", "ends_on", "state", "rubric_version",
                           "red_size", "black_size"}
    assert all(a["data"]["user_id"] == phone.user["id"]
               for a in changes if a["type"] == "assignment")


def test_pages_resume_without_loss_or_duplication(api):
    phone = api.as_user("inspector1")
    everything, _ = phone.pull_all(limit=1000)
    first = phone.get("/sync/pull?limit=7").get_json()
    assert len(first["changes"]) == 7 and first["has_more"]
    # the connection drops here; the phone kept the cursor of the page it applied
    rest, _ = phone.pull_all(cursor=first["cursor"], limit=9)
    assert keyed(first["changes"] + rest) == keyed(everything)


def test_a_write_committed_during_paging_is_not_skipped(api):
    phone = api.as_user("inspector1")
    ref = reference(phone)
    page = phone.get("/sync/pull?limit=3").get_json()
    payload = inspection(ref["round"]["id"], ref["assigned"][0])
    phone.push(payload)
    rest, cursor = phone.pull_all(cursor=page["cursor"], limit=5)
    assert ("inspection", payload["id"]) in keyed(rest)
    # and a later pull from the final cursor is empty
    final = phone.get(f"/sync/pull?cursor={cursor}").get_json()
    assert final["changes"] == [] and final["has_more"] is False


def test_edited_entity_comes_again_with_its_new_version(api):
    phone = api.as_user("inspector1")
    ref = reference(phone)
    _, cursor = phone.pull_all()
    payload = inspection(ref["round"]["id"], ref["assigned"][0])
    phone.push(payload)
    phone.push(dict(payload, client_rev=2, base_version=1, note="changed"))
    changes, _ = phone.pull_all(cursor=cursor)
    assert keyed(changes) == [("inspection", payload["id"])]
    assert changes[0]["version"] == 2 and changes[0]["data"]["note"] == "changed"
    assert changes[0]["data"]["review_state"] == "received"


def test_tombstone_for_a_deleted_assignment(app, api):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    with app.app_context():
        assignment = db.session.execute(db.select(Assignment).where(
            Assignment.user_id == phone.user["id"])).scalars().first()
        gone_id, township_id = assignment.id, 1
        db.session.delete(assignment)
        record_change(db.session, "assignment", gone_id, township_id,
                      owner_id=phone.user["id"], op="delete")
        db.session.commit()
    changes, _ = phone.pull_all(cursor=cursor)
    assert changes == [{"type": "assignment", "id": str(gone_id), "op": "delete",
                        "version": changes[0]["version"], "data": None}]


def test_inspectors_see_only_their_own_inspections(api):
    one, two, supervisor = (api.as_user(u) for u in ("inspector1", "inspector2", "supervisor1"))
    ref = reference(one)
    mine = inspection(ref["round"]["id"], ref["assigned"][0])
    theirs = inspection(ref["round"]["id"], ref["assigned"][0])
    one.push(mine)
    two.push(theirs)
    seen = {u: {c["id"] for c in s.pull_all()[0] if c["type"] == "inspection"}
            for u, s in (("one", one), ("two", two), ("sup", supervisor))}
    assert seen == {"one": {mine["id"]}, "two": {theirs["id"]},
                    "sup": {mine["id"], theirs["id"]}}
    assignments_two = [c for c in two.pull_all()[0] if c["type"] == "assignment"]
    assert all(c["data"]["user_id"] == two.user["id"] for c in assignments_two)


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=abc",
                                   "cursor=forged", "cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAA"])
def test_bad_pull_parameters_are_400(api, query):
    response = api.as_user("inspector1").get(f"/sync/pull?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_cursor_from_another_server_is_refused(app, api, tmp_path):
    from tests.support.apps import make_app

    other = make_app(tmp_path / "other", seed="bare", SECRET_KEY="another-secret")
    other_phone = type(api)(other.test_client()).as_user("inspector1")
    foreign = other_phone.get("/sync/pull?limit=1").get_json()["cursor"]
    assert api.as_user("inspector1").get(f"/sync/pull?cursor={foreign}").status_code == 400
