"""Supervisor review through the API: roles, comments, audit, and results in pull."""
import hashlib

import pytest

from server.extensions import db
from server.models import AuditEntry, Comment, Inspection, InspectionRevision, Round
from tests.factories import inspection, jpeg_bytes, photo_record, reference


def upload(session, data: bytes) -> str:
    """Uploads real image bytes through the blob API; returns the SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    response = session.patch(f"/blobs/{sha}", data=data, headers={
        "Upload-Offset": "0", "Upload-Length": str(len(data)),
        "Content-Type": "application/offset+octet-stream"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return sha


def with_photos(session, ref, group_id, deductions, seed=0, **kw):
    """Pushes an inspection with one uploaded photo per deduction; returns the payload."""
    photos = []
    for n, (criterion, items) in enumerate(sorted(deductions.items())):
        for m, item in enumerate(sorted(items)):
            data = jpeg_bytes(seed=seed * 100 + n * 10 + m)
            upload(session, data)
            photos.append(photo_record(data, criterion=criterion, item=item))
    payload = inspection(ref["round"]["id"], group_id, deductions=deductions, photos=photos,
                         **kw)
    result = session.push(payload).get_json()["results"][0]
    assert result["outcome"] == "applied", result
    return payload


def audit_actions(app):
    with app.app_context():
        return [(a.action, a.entity_id, a.reason) for a in db.session.execute(
            db.select(AuditEntry).order_by(AuditEntry.id)).scalars()]


@pytest.fixture
def phone(api):
    return api.as_user("inspector1")


@pytest.fixture
def boss(api):
    return api.as_user("supervisor1")


@pytest.fixture
def ref(phone):
    return reference(phone)


@pytest.fixture
def pushed(phone, ref):
    return with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 2}})


def test_inspectors_may_not_review(phone, pushed):
    response = phone.post(f"/inspections/{pushed['id']}/review", json={"state": "approved"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    photo_id = pushed["photos"][0]["id"]
    response = phone.post(f"/photos/{photo_id}/review", json={"accepted": True})
    assert response.status_code == 403


def test_anonymous_is_401(client, pushed):
    response = client.post(f"/api/v1/inspections/{pushed['id']}/review",
                           json={"state": "approved"})
    assert response.status_code == 401


def test_unknown_inspection_and_photo_are_404(boss):
    assert boss.post("/inspections/nope/review", json={"state": "approved"}).status_code == 404
    assert boss.post("/photos/nope/review", json={"accepted": True}).status_code == 404


def test_other_township_is_404(app, api, pushed):
    from server.models import Township, User
    with app.app_context():
        other = Township(name="别的镇")
        db.session.add(other)
        db.session.flush()
        user = User(township_id=other.id, username="outsider", display_name="外人",
                    role="supervisor")
        user.set_password("demo1234")
        db.session.add(user)
        db.session.commit()
    outsider = api.as_user("outsider")
    response = outsider.post(f"/inspections/{pushed['id']}/review", json={"state": "approved"})
    assert response.status_code == 404
    photo_id = pushed["photos"][0]["id"]
    assert outsider.post(f"/photos/{photo_id}/review", json={"accepted": True}).status_code == 404


@pytest.mark.parametrize("state", ["rejected", "has_issues"])
@pytest.mark.parametrize("comment", [None, "", "   "])
def test_comment_required_unless_approving(app, boss, pushed, state, comment):
    response = boss.post(f"/inspections/{pushed['id']}/review",
                         json={"state": state, "comment": comment})
    assert response.status_code == 400
    body = response.get_json()["error"]
    assert body["code"] == "invalid_request" and "comment" in body["fields"]
    with app.app_context():
        assert db.session.get(Inspection, pushed["id"]).review_state == "received"
    assert audit_actions(app) == []


@pytest.mark.parametrize("body", [{"state": "done"}, {}, {"state": "approved", "x": 1},
                                  {"state": "approved", "comment": 5}])
def test_bad_review_bodies_are_400(boss, pushed, body):
    response = boss.post(f"/inspections/{pushed['id']}/review", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_reject_photo_needs_a_reason(boss, pushed):
    photo_id = pushed["photos"][0]["id"]
    response = boss.post(f"/photos/{photo_id}/review", json={"accepted": False})
    assert response.status_code == 400
    assert "reason" in response.get_json()["error"]["fields"]
    response = boss.post(f"/photos/{photo_id}/review", json={"accepted": "no", "reason": "x"})
    assert response.status_code == 400


def test_review_is_audited_versioned_and_pulled_by_the_inspector(app, phone, boss, pushed):
    _, cursor = phone.pull_all()
    with app.app_context():
        data_version = db.session.get(Round, pushed["round_id"]).data_version
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

    assert audit_actions(app) == [("review_inspection", pushed["id"], "第二张照片太暗 <b>")]
    with app.app_context():
        assert db.session.get(Round, pushed["round_id"]).data_version == data_version + 1
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


def test_other_inspector_does_not_pull_the_review(api, boss, pushed):
    other = api.as_user("inspector2")
    _, cursor = other.pull_all()
    boss.post(f"/inspections/{pushed['id']}/review",
              json={"state": "has_issues", "comment": "看不清"})
    changes, _ = other.pull_all(cursor)
    assert [c for c in changes if c["type"] in ("inspection", "comment", "photo_review")] == []


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
    assert photo["accepted"] is False and photo["review_reason"] == "拍的不是垃圾桶"
    assert audit_actions(app) == [("review_photo", bins_photo["id"], "拍的不是垃圾桶")]


def test_accepting_a_photo_needs_no_reason(boss, pushed):
    photo_id = pushed["photos"][0]["id"]
    response = boss.post(f"/photos/{photo_id}/review", json={"accepted": True})
    assert response.status_code == 200
    assert response.get_json()["accepted"] is True
    assert response.get_json()["deduction_void"] is False


def test_one_rejected_photo_of_two_does_not_void(phone, boss, ref):
    first, second = jpeg_bytes(seed=1), jpeg_bytes(seed=2)
    photos = [photo_record(upload(phone, d) and d, criterion="toilets", item="open_pit")
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


def make_conflict(phone, ref):
    """Two devices of one inspector edit the same leaf from the same base."""
    payload = inspection(ref["round"]["id"], ref["assigned"][0],
                         deductions={"collection": {"bins": 1}}, note="first")
    phone.push(payload)
    mine = dict(payload, client_rev=2, base_version=1, note="from device A",
                criteria={"collection": {"na": False, "deductions": {"bins": 3}, "note": ""}})
    assert phone.push(mine).get_json()["results"][0]["outcome"] == "applied"
    return payload


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


def test_duplicate_assessments_are_listed(app, phone, ref):
    from server.review_actions import duplicate_assessments
    group = ref["assigned"][0]
    first = inspection(ref["round"]["id"], group)
    second = inspection(ref["round"]["id"], group)
    other = inspection(ref["round"]["id"], ref["assigned"][1])
    phone.push(first, second, other)
    with app.app_context():
        township = db.session.get(Round, ref["round"]["id"]).township_id
        found = duplicate_assessments(township)
        assert [sorted(i.id for i in dup) for dup in found] == [sorted([first["id"],
                                                                       second["id"]])]
