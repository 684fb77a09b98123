"""Supervisor review through the API: roles, comments, audit, and results in pull."""

import pytest

from server.changes import latest_seq
from server.extensions import db
from server.models import AuditEntry, Comment, Inspection, InspectionRevision, Round
from server.review.rankings import RANKING_INPUTS
from tests.support.factories import (inspection, jpeg_bytes, make_conflict, open_conflict,
                                     photo_record, uploaded, with_photos)
from tests.support.townships import other_township
from tests.support.web import audit_actions


@pytest.fixture
def pushed(phone, ref):
    return with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 2}})


def test_who_may_review(app, api, client, phone, boss, pushed):
    photo_id = pushed["photos"][0]["id"]
    for path, body in ((f"/inspections/{pushed['id']}/review", {"state": "approved"}),
                       (f"/photos/{photo_id}/review", {"accepted": True})):
        response = phone.post(path, json=body)                     # an inspector
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"
        assert client.post(f"/api/v1{path}", json=body).status_code == 401   # anonymous
    assert boss.post("/inspections/nope/review", json={"state": "approved"}).status_code == 404
    assert boss.post("/photos/nope/review", json={"accepted": True}).status_code == 404

    outsider = api.as_user(other_township(app).usernames["supervisor"])
    response = outsider.post(f"/inspections/{pushed['id']}/review", json={"state": "approved"})
    assert response.status_code == 404
    assert outsider.post(f"/photos/{photo_id}/review", json={"accepted": True}).status_code == 404
    assert audit_actions(app) == []


BAD_INSPECTION_REVIEWS = [
    ({"state": "rejected"}, "comment"), ({"state": "has_issues", "comment": ""}, "comment"),
    ({"state": "rejected", "comment": "   "}, "comment"),
    ({"state": "has_issues", "comment": None}, "comment"),
    ({"state": "done"}, "state"), ({}, "state"), ({"state": "approved", "x": 1}, "x"),
    ({"state": "approved", "comment": 5}, "comment"),
    ({"state": "approved", "comment": "x" * 10_001}, "comment"),
]
BAD_PHOTO_REVIEWS = [
    ({"accepted": False}, "reason"), ({"accepted": False, "reason": " "}, "reason"),
    ({"accepted": "no", "reason": "x"}, "accepted"), ({"reason": "x"}, "accepted"),
]


def test_invalid_reviews_are_400_and_change_nothing(app, boss, pushed):
    photo_id = pushed["photos"][0]["id"]
    cases = [(f"/inspections/{pushed['id']}/review", body, field)
             for body, field in BAD_INSPECTION_REVIEWS]
    cases += [(f"/photos/{photo_id}/review", body, field) for body, field in BAD_PHOTO_REVIEWS]
    for path, body, field in cases:
        response = boss.post(path, json=body)
        assert response.status_code == 400, (body, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "invalid_request" and field in error["fields"], (body, error)
    with app.app_context():
        assert db.session.get(Inspection, pushed["id"]).review_state == "received"
        assert db.session.execute(db.select(Comment)).first() is None
    assert audit_actions(app) == []


def test_review_is_audited_versioned_and_pulled_by_the_inspector(app, api, phone, boss, pushed):
    _, cursor = phone.pull_all()
    other = api.as_user("inspector2")
    _, other_cursor = other.pull_all()
    with app.app_context():
        township_id = db.session.get(Round, pushed["round_id"]).township_id
        inputs_seq = latest_seq(db.session, township_id, RANKING_INPUTS)
    response = boss.post(f"/inspections/{pushed['id']}/review",
                         json={"state": "has_issues", "comment": "第二张照片太暗 <b>"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["review_state"] == "has_issues" and body["version"] == 2
    assert body["comment"]["body"] == "第二张照片太暗 <b>"
    assert body["comment"]["author"] == "审核员 张丽"

    changes, _ = phone.pull_all(cursor)
    by_type = {c["type"]: c for c in changes}
    assert by_type["inspection"]["data"]["review_state"] == "has_issues"
    assert by_type["inspection"]["version"] == 2
    assert by_type["comment"]["data"]["body"] == "第二张照片太暗 <b>"
    assert by_type["comment"]["data"]["inspection_id"] == pushed["id"]
    changes, _ = other.pull_all(other_cursor)    # not for another inspector's eyes
    assert [c for c in changes if c["type"] in ("inspection", "comment", "photo_review")] == []

    assert audit_actions(app) == [("review_inspection", pushed["id"], "第二张照片太暗 <b>")]
    with app.app_context():
        assert latest_seq(db.session, township_id, RANKING_INPUTS) > inputs_seq  # ranking stale
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert entry.detail["from"] == "received" and entry.detail["to"] == "has_issues"
        assert entry.user.username == "supervisor1"


def test_approve_without_comment_and_comments_accumulate(app, boss, pushed):
    assert boss.post(f"/inspections/{pushed['id']}/review",
                     json={"state": "rejected", "comment": "重复提交"}).status_code == 200
    response = boss.post(f"/inspections/{pushed['id']}/review", json={"state": "approved"})
    assert response.status_code == 200
    assert response.get_json()["comment"] is None
    assert response.get_json()["version"] == 3
    with app.app_context():
        bodies = db.session.execute(db.select(Comment.body)).scalars().all()
    assert bodies == ["重复提交"]   # the first comment is kept, never edited
    assert [a[0] for a in audit_actions(app)] == ["review_inspection"] * 2


def test_rejected_photo_reaches_the_phone_as_a_reshoot_request(app, phone, boss, ref):
    payload = with_photos(phone, ref, ref["assigned"][0],
                          {"collection": {"bins": 2}, "roads": {"road_dirty": 1}})
    _, cursor = phone.pull_all()
    bins_photo = next(p for p in payload["photos"] if p["item"] == "bins")
    response = boss.post(f"/photos/{bins_photo['id']}/review",
                         json={"accepted": False, "reason": "拍的不是垃圾桶"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["accepted"] is False and body["deduction_void"] is True
    assert (body["criterion"], body["item"]) == ("collection", "bins")

    changes, _ = phone.pull_all(cursor)
    review = next(c for c in changes if c["type"] == "photo_review")
    assert review["id"] == bins_photo["id"]
    assert review["data"] == {**body}
    assert review["data"]["reason"] == "拍的不是垃圾桶" and review["data"]["reviewed_at"]
    pulled = next(c for c in changes if c["type"] == "inspection")["data"]
    photo = next(p for p in pulled["photos"] if p["id"] == bins_photo["id"])
    assert photo == bins_photo  # exactly as pushed: the phone may push it back unchanged
    assert audit_actions(app) == [("review_photo", bins_photo["id"], "拍的不是垃圾桶")]


def test_the_same_photo_decision_twice_is_written_once(app, phone, boss, pushed):
    photo_id = pushed["photos"][0]["id"]
    _, cursor = phone.pull_all()
    first = boss.post(f"/photos/{photo_id}/review", json={"accepted": False, "reason": "模糊"})
    _, cursor = phone.pull_all(cursor)
    again = boss.post(f"/photos/{photo_id}/review", json={"accepted": False, "reason": " 模糊 "})
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert audit_actions(app) == [("review_photo", photo_id, "模糊")]
    assert phone.pull_all(cursor)[0] == []          # nothing new for the phone either
    # another reason, or the other decision, is a change and is written
    boss.post(f"/photos/{photo_id}/review", json={"accepted": False, "reason": "不是垃圾桶"})
    boss.post(f"/photos/{photo_id}/review", json={"accepted": True})
    boss.post(f"/photos/{photo_id}/review", json={"accepted": True})
    assert audit_actions(app) == [("review_photo", photo_id, "模糊"),
                                  ("review_photo", photo_id, "不是垃圾桶"),
                                  ("review_photo", photo_id, None)]


def test_one_rejected_photo_of_two_does_not_void(phone, boss, ref):
    first, second = jpeg_bytes(seed=1), jpeg_bytes(seed=2)
    photos = [photo_record(uploaded(phone, d), criterion="toilets", item="open_pit")
              for d in (first, second)]
    payload = inspection(ref["round"]["id"], ref["assigned"][0],
                         deductions={"toilets": {"open_pit": 1}}, photos=photos)
    phone.push(payload)
    response = boss.post(f"/photos/{photos[0]['id']}/review",
                         json={"accepted": False, "reason": "模糊"})
    assert response.get_json()["deduction_void"] is False
    response = boss.post(f"/photos/{photos[1]['id']}/review",
                         json={"accepted": False, "reason": "模糊"})
    assert response.get_json()["deduction_void"] is True
    response = boss.post(f"/photos/{photos[1]['id']}/review", json={"accepted": True})
    assert response.status_code == 200   # accepting needs no reason, and undoes the void
    assert response.get_json() | {"reviewed_at": None} == {
        "photo_id": photos[1]["id"], "inspection_id": payload["id"], "accepted": True,
        "reason": None, "reviewed_at": None, "criterion": "toilets", "item": "open_pit",
        "deduction_void": False}


def test_resolve_a_conflict_by_choosing_values(app, api, phone, boss, ref):
    payload = make_conflict(phone, ref)
    second = api.as_user("inspector1")   # the same inspector's second phone
    theirs = dict(payload, client_rev=1, base_version=1, note="from device B",
                  criteria={"collection": {"na": False, "deductions": {"bins": 5}, "note": ""}})
    result = second.push(theirs).get_json()["results"][0]
    assert result["outcome"] == "conflict"
    with app.app_context():
        row = db.session.get(Inspection, payload["id"])
        assert row.has_conflict and "conflict" in row.flags
        conflict = next(r for r in row.revisions if r.outcome == "conflict")
        assert sorted(conflict.conflicts) == ["criteria.collection.deductions.bins", "note"]
        conflict_id, version = conflict.id, row.version

    response = boss.post(f"/inspections/{payload['id']}/resolve", json={
        "choices": {"note": "server"}, "reason": "x"})
    assert response.status_code == 400   # every conflicting leaf needs a choice
    response = boss.post(f"/inspections/{payload['id']}/resolve", json={
        "choices": {"note": "server", "criteria.collection.deductions.bins": str(conflict_id)},
        "reason": "B 的计数与照片一致"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == version + 1
    with app.app_context():
        row = db.session.get(Inspection, payload["id"])
        assert not row.has_conflict and "conflict" not in row.flags
        assert row.note == "from device A"
        assert row.criteria["collection"]["deductions"]["bins"] == 5
        resolved = db.session.execute(db.select(InspectionRevision).where(
            InspectionRevision.outcome == "resolved")).scalar_one()
        assert resolved.client_id.startswith("server:") and resolved.version == row.version
        assert resolved.payload["reason"] == "B 的计数与照片一致"
    assert audit_actions(app)[-1] == ("resolve_conflict", payload["id"], "B 的计数与照片一致")
    again = boss.post(f"/inspections/{payload['id']}/resolve", json={
        "choices": {}, "reason": "again"})
    assert again.status_code == 409


def test_review_input_refused_by_the_domain_is_400_with_its_fields(app, api, phone, boss, ref):
    payload = open_conflict(api, phone, ref)
    url = f"/inspections/{payload['id']}/resolve"
    response = boss.post(url, json={"choices": {"note": "server"}, "reason": "   "})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request"
    assert error["fields"] == {"reason": ["a reason is required"]}
    response = boss.post(url, json={"choices": {"note": "server"}, "reason": "x"})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "choices.criteria.collection.deductions.bins": ["choose the server value or a revision"]}
    with app.app_context():
        assert db.session.get(Inspection, payload["id"]).has_conflict
    assert audit_actions(app) == []
