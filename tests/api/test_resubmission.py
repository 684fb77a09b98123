"""An inspector's edit of a reviewed inspection (domain.md, "Inspection states and
review"): back to `received`, marked re-submitted in the queue with what changed since
the review; new photos unreviewed; the phone pulls the new state."""
import pytest

from server.extensions import db
from server.models import AuditEntry, Inspection
from server.review.scoring import void_of
from tests.support.factories import jpeg_bytes, photo_record, uploaded, with_photos
from tests.support.web import audit_actions, csrf_token


@pytest.fixture
def approved_after_reshoot_request(phone, boss, ref):
    """Pushed with a bins photo the supervisor rejected (a re-shoot request, the
    deduction void), then approved; the phone has pulled all of that."""
    payload = with_photos(phone, ref, ref["assigned"][0],
                          {"collection": {"bins": 2}, "roads": {"road_dirty": 1}})
    bins = next(p for p in payload["photos"] if p["item"] == "bins")
    assert boss.post(f"/photos/{bins['id']}/review",
                     json={"accepted": False, "reason": "看不清"}).get_json()["deduction_void"]
    assert boss.post(f"/inspections/{payload['id']}/review",
                     json={"state": "approved"}).status_code == 200
    return payload


def pulled_inspection(phone, inspection_id: str) -> dict:
    changes, _ = phone.pull_all()
    return next(c["data"] for c in changes
                if c["type"] == "inspection" and c["id"] == inspection_id)


def reshot(phone, payload: dict, version: int) -> dict:
    """The same inspection with one more bins photo, as the phone pushes a re-shot one."""
    photo = photo_record(uploaded(phone, jpeg_bytes(seed=77)), criterion="collection",
                         item="bins")
    return dict(payload, client_rev=2, base_version=version,
                photos=[*payload["photos"], photo])


def test_a_reshot_photo_returns_an_approved_inspection_to_the_queue(
        app, phone, web, ref, approved_after_reshoot_request):
    payload = approved_after_reshoot_request
    before = pulled_inspection(phone, payload["id"])
    assert before["review_state"] == "approved"
    edit = reshot(phone, payload, before["version"])
    result = phone.push(edit).get_json()["results"][0]
    assert result["outcome"] == "applied" and result["version"] == before["version"] + 1

    after = pulled_inspection(phone, payload["id"])     # what the phone shows now
    assert after["review_state"] == "received" and after["version"] == result["version"]
    new_photo = edit["photos"][-1]
    with app.app_context():
        stored = db.session.get(Inspection, payload["id"])
        photo = next(p for p in stored.photos if p.id == new_photo["id"])
        assert photo.accepted is None and photo.reviewed_at is None   # unreviewed
        assert void_of(stored) == set()   # the re-shot photo restores the bins deduction
    assert audit_actions(app)[-1] == ("resubmit_inspection", payload["id"], None)

    queue = web.get("/review/").get_data(as_text=True)
    assert f'data-resubmitted="{payload["id"]}"' in queue and "重新提交" in queue
    page = web.get(f"/review/inspections/{payload['id']}").get_data(as_text=True)
    assert 'id="resubmitted"' in page and f'data-new-photo="{new_photo["id"]}"' in page
    assert "已通过" in page and "未审核" in page
    assert "Re-submitted" in web.get("/review/?lang=en").get_data(as_text=True)
    english = web.get(f"/review/inspections/{payload['id']}?lang=en").get_data(as_text=True)
    assert "The inspector changed this since the review (Approved" in english

    # Reviewed again, the mark is gone.
    token_page = web.get(f"/review/inspections/{payload['id']}")
    web.post(f"/review/inspections/{payload['id']}/review",
             data={"state": "approved", "csrf_token": csrf_token(token_page)})
    assert "data-resubmitted" not in web.get("/review/").get_data(as_text=True)


@pytest.mark.parametrize("state", ["approved", "rejected", "has_issues"])
def test_any_changing_edit_of_a_reviewed_inspection_is_re_submitted_with_what_changed(
        app, phone, boss, web, ref, state):
    payload = with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 2}})
    assert boss.post(f"/inspections/{payload['id']}/review",
                     json={"state": state, "comment": "看一下"}).status_code == 200
    version = pulled_inspection(phone, payload["id"])["version"]
    criteria = {"collection": {"na": False, "deductions": {"bins": 3}, "note": ""}}
    edit = dict(payload, client_rev=2, base_version=version, criteria=criteria,
                note="补充说明")
    assert phone.push(edit).get_json()["results"][0]["outcome"] == "applied"
    assert pulled_inspection(phone, payload["id"])["review_state"] == "received"
    page = web.get(f"/review/inspections/{payload['id']}").get_data(as_text=True)
    assert 'data-leaf="criteria.collection.deductions.bins"' in page and "×2 → ×3" in page
    assert 'data-leaf="note"' in page and "补充说明" in page
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).where(
            AuditEntry.action == "resubmit_inspection")).scalar_one()
        assert entry.detail["from"] == state and entry.detail["to"] == "received"
        assert entry.user.username == "inspector1"


def test_an_edit_that_changes_nothing_leaves_the_review_standing(app, phone, boss, web, ref):
    payload = with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 2}})
    assert boss.post(f"/inspections/{payload['id']}/review",
                     json={"state": "approved"}).status_code == 200
    version = pulled_inspection(phone, payload["id"])["version"]
    again = dict(payload, client_rev=2, base_version=version)
    assert phone.push(again).get_json()["results"][0]["outcome"] == "applied"
    assert pulled_inspection(phone, payload["id"])["review_state"] == "approved"
    assert "data-resubmitted" not in web.get("/review/").get_data(as_text=True)
    assert [a[0] for a in audit_actions(app)] == ["review_inspection"]
