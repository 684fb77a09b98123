"""POST /sync/push: the five outcomes, idempotency and races."""
import copy
import threading

import pytest

from server.extensions import db
from server.models import Inspection, InspectionRevision, Photo
from tests.support.factories import inspection, jpeg_bytes, photo_record
from tests.support.townships import other_township


def new_inspection(ref, **kw):
    return inspection(ref["round"]["id"], ref["assigned"][0], **kw)


def stored(app, inspection_id):
    with app.app_context():
        row = db.session.get(Inspection, inspection_id)
        revisions = db.session.execute(db.select(InspectionRevision).where(
            InspectionRevision.inspection_id == inspection_id)
            .order_by(InspectionRevision.id)).scalars().all()
        return row and {"version": row.version, "criteria": row.criteria, "note": row.note,
                        "flags": row.flags, "has_conflict": row.has_conflict,
                        "photos": [p.id for p in row.photos],
                        "revisions": [(r.client_rev, r.outcome) for r in revisions]}


def test_applied_then_same_push_twice_is_duplicate(app, phone, ref):
    payload = new_inspection(ref, deductions={"collection": {"bins": 2}})
    first = phone.push(payload).get_json()["results"][0]
    assert first["outcome"] == "applied" and first["version"] == 1
    assert first["id"] == payload["id"] and first["client_rev"] == 1
    again = phone.push(payload).get_json()["results"][0]
    assert again["outcome"] == "duplicate" and again["version"] == 1
    assert stored(app, payload["id"])["revisions"] == [(1, "applied")]


def test_reply_lost_then_retried(app, phone, ref):
    """The server committed but the phone never saw the reply: the retry is harmless."""
    payload = new_inspection(ref, deductions={"roads": {"road_damaged": 1}})
    phone.push(payload)  # reply "lost"
    edited = dict(payload, client_rev=2, note="second save")
    result = phone.push(payload, edited).get_json()["results"]
    assert [r["outcome"] for r in result] == ["duplicate", "applied"]
    assert stored(app, payload["id"])["note"] == "second save"


def test_older_client_rev_after_newer_is_duplicate(app, phone, ref):
    payload = new_inspection(ref)
    phone.push(payload)
    phone.push(dict(payload, client_rev=3, base_version=1, note="rev 3"))
    late = phone.push(dict(payload, client_rev=2, base_version=1, note="rev 2"))
    assert late.get_json()["results"][0]["outcome"] == "duplicate"
    assert stored(app, payload["id"])["note"] == "rev 3"


def test_two_threads_push_the_same_batch(app, api, ref):
    phone = api.as_user("inspector1")
    batch = [new_inspection(ref, deductions={"greening": {"graffiti": n + 1}}) for n in range(5)]
    clients = [app.test_client(), app.test_client()]
    outcomes, errors = [], []

    def push(client):
        try:
            response = client.post("/api/v1/sync/push", headers=phone.headers,
                                   json={"client_id": phone.client_id, "inspections": batch})
            outcomes.append((response.status_code, [r["outcome"] for r in response.get_json()["results"]]))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(s for s, _ in outcomes) == [200, 200]
    for payload in batch:
        assert stored(app, payload["id"])["revisions"] == [(1, "applied")]
    per_inspection = list(zip(*[o for _, o in outcomes]))
    assert all(sorted(pair) == ["applied", "duplicate"] for pair in per_inspection)


def test_second_device_edits_other_fields_merged(app, api, ref):
    first, second = api.as_user("inspector1"), api.as_user("inspector1")
    base = new_inspection(ref, deductions={"collection": {"bins": 1}, "roads": {"road_dirty": 1}})
    assert first.push(base).get_json()["results"][0]["version"] == 1
    edit_a = copy.deepcopy(base)
    edit_a.update(client_rev=2, base_version=1)
    edit_a["criteria"]["collection"]["deductions"]["bins"] = 3
    assert first.push(edit_a).get_json()["results"][0]["outcome"] == "applied"
    edit_b = copy.deepcopy(base)
    edit_b.update(client_rev=2, base_version=1, note="seen from the second phone")
    edit_b["criteria"]["roads"]["deductions"]["road_dirty"] = 4
    result = second.push(edit_b, client_id=second.client_id).get_json()["results"][0]
    assert result["outcome"] == "merged" and result["version"] == 3
    row = stored(app, base["id"])
    assert row["criteria"]["collection"]["deductions"]["bins"] == 3
    assert row["criteria"]["roads"]["deductions"]["road_dirty"] == 4
    assert row["note"] == "seen from the second phone"
    assert not row["has_conflict"]


def test_an_edit_after_a_lost_merged_reply_keeps_the_other_devices_change(app, api, ref):
    """A phone that never saw the reply to its merged edit pushes again from the same
    base version: its edit started from what it pushed, not from the merged result, so
    the other device's note stays."""
    first, second = api.as_user("inspector1"), api.as_user("inspector1")
    base = new_inspection(ref, deductions={"collection": {"bins": 1}})
    first.push(base)
    assert second.push(dict(copy.deepcopy(base), client_rev=2, base_version=1,
                            note="from the second phone")).get_json()["results"][0]["version"] == 2
    edit = copy.deepcopy(base)
    edit.update(client_rev=2, base_version=1)
    edit["criteria"]["collection"]["deductions"]["bins"] = 3
    assert first.push(edit).get_json()["results"][0]["outcome"] == "merged"   # reply lost
    again = copy.deepcopy(edit)
    again.update(client_rev=3)
    again["criteria"]["roads"] = {"na": False, "deductions": {"road_dirty": 1}, "note": ""}
    assert first.push(again).get_json()["results"][0]["outcome"] in ("applied", "merged")
    row = stored(app, base["id"])
    assert row["note"] == "from the second phone"
    assert row["criteria"]["roads"]["deductions"]["road_dirty"] == 1 and not row["has_conflict"]


def test_same_score_changed_on_two_devices_conflict(app, api, ref):
    first, second = api.as_user("inspector1"), api.as_user("inspector1")
    base = new_inspection(ref, deductions={"collection": {"bins": 1}})
    first.push(base)
    mine = copy.deepcopy(base)
    mine.update(client_rev=2, base_version=1)
    mine["criteria"]["collection"]["deductions"]["bins"] = 2
    first.push(mine)
    theirs = copy.deepcopy(base)
    theirs.update(client_rev=2, base_version=1)
    theirs["criteria"]["collection"]["deductions"]["bins"] = 5
    result = second.push(theirs).get_json()["results"][0]
    assert result["outcome"] == "conflict"
    row = stored(app, base["id"])
    assert row["criteria"]["collection"]["deductions"]["bins"] == 2  # the server value stays
    assert row["has_conflict"] and "conflict" in row["flags"]
    assert [o for _, o in row["revisions"]] == ["applied", "applied", "conflict"]
    with app.app_context():
        kept = db.session.execute(db.select(InspectionRevision).where(
            InspectionRevision.outcome == "conflict")).scalar_one()
        assert kept.payload["criteria"]["collection"]["deductions"]["bins"] == 5
        assert kept.conflicts == ["criteria.collection.deductions.bins"]


def test_invalid_inspection_in_a_batch_only_it_is_rejected(app, phone, ref):
    good1, good2 = new_inspection(ref), new_inspection(ref)
    bad = new_inspection(ref, deductions={"collection": {"bins": -1, "no_such_item": 1}})
    bad["unexpected"] = True
    results = phone.push(good1, bad, good2).get_json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "rejected", "applied"]
    errors = results[1]["errors"]
    assert "criteria.collection.deductions.bins" in errors
    assert "criteria.collection.deductions.no_such_item" in errors
    assert "unexpected" in errors
    assert results[1]["version"] is None
    assert stored(app, bad["id"]) is None


@pytest.mark.parametrize("field,value", [
    ("round_id", 999999), ("group_id", 999999), ("rubric_version", 42),
])
def test_unknown_references_rejected(app, phone, ref, field, value):
    payload = new_inspection(ref)
    payload[field] = value
    result = phone.push(payload).get_json()["results"][0]
    assert result["outcome"] == "rejected" and field in result["errors"]
    assert stored(app, payload["id"]) is None


def test_not_assigned_and_outside_round_are_flagged_not_refused(app, phone, ref):
    unassigned = next(g for g in ref["groups"] if g not in ref["assigned"])
    payload = inspection(ref["round"]["id"], unassigned, started_at="2020-01-01T09:00:00+08:00",
                         finished_at="2020-01-01T09:30:00+08:00")
    assert phone.push(payload).get_json()["results"][0]["outcome"] == "applied"
    flags = stored(app, payload["id"])["flags"]
    assert "not_assigned" in flags and "outside_round" in flags


def test_deduction_without_photo_flagged_no_evidence(app, phone, ref):
    payload = new_inspection(ref, deductions={"toilets": {"open_pit": 1}})
    phone.push(payload)
    assert "no_evidence" in stored(app, payload["id"])["flags"]


def test_missing_blobs_listed_and_photos_union(app, api, ref):
    first, second = api.as_user("inspector1"), api.as_user("inspector1")
    photo_a = photo_record(jpeg_bytes(seed=1))
    photo_b = photo_record(jpeg_bytes(seed=2))
    base = new_inspection(ref, deductions={"collection": {"bins": 1}}, photos=[photo_a])
    result = first.push(base).get_json()["results"][0]
    assert result["missing_blobs"] == [photo_a["sha256"]]
    edit = dict(copy.deepcopy(base), client_rev=2, base_version=1, photos=[photo_b])
    assert second.push(edit).get_json()["results"][0]["outcome"] == "applied"
    assert sorted(stored(app, base["id"])["photos"]) == sorted([photo_a["id"], photo_b["id"]])


def test_another_inspectors_inspection_cannot_be_overwritten(app, api, ref):
    mine = api.as_user("inspector1")
    payload = new_inspection(ref)
    mine.push(payload)
    other = api.as_user("inspector2")
    hijack = dict(payload, client_rev=5, note="not mine")
    result = other.push(hijack).get_json()["results"][0]
    assert result["outcome"] == "rejected" and "id" in result["errors"]
    assert stored(app, payload["id"])["note"] == ""


def test_photo_id_reused_in_another_inspection_rejected(app, phone, ref):
    photo = photo_record(jpeg_bytes())
    first = new_inspection(ref, deductions={"collection": {"bins": 1}}, photos=[photo])
    second = new_inspection(ref, deductions={"collection": {"bins": 1}}, photos=[photo])
    results = phone.push(first, second).get_json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "rejected"]
    assert "photos.0.id" in results[1]["errors"]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Photo.id))).scalar() == 1


def test_two_inspectors_same_group_both_kept(app, api, ref):
    group = ref["assigned"][0]
    one = api.as_user("inspector1").push(inspection(ref["round"]["id"], group))
    two = api.as_user("inspector2").push(inspection(ref["round"]["id"], group))
    assert one.get_json()["results"][0]["outcome"] == "applied"
    assert two.get_json()["results"][0]["outcome"] == "applied"


@pytest.mark.parametrize("body", [
    {"inspections": []}, {"client_id": 5, "inspections": []},
    {"client_id": "x", "inspections": {}}, [], "text",
])
def test_malformed_push_body_is_400(phone, body):
    response = phone.post("/sync/push", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_non_object_inspection_rejected_alone(phone, ref):
    results = phone.push(new_inspection(ref), "not an object", 7, None).get_json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "rejected", "rejected", "rejected"]
    assert results[1]["errors"] == {"inspection": ["must be an object"]}


def test_rejected_push_says_why_in_english_and_as_codes(app, api, phone, ref):
    mine = new_inspection(ref)
    phone.push(mine)
    too_long = new_inspection(ref, note="长" * 10_001)
    too_long["round_id"] = 999999
    hijack = dict(mine, client_rev=5)
    results = phone.push(too_long, new_inspection(ref)).get_json()["results"]
    assert results[0]["errors"] == {"note": ["must be at most 10000 characters"]}
    assert results[0]["reasons"] == {"note": [{"code": "too_long", "params": {"max": 10000}}]}
    assert results[1]["outcome"] == "applied"
    assert results[1]["errors"] == {} and results[1]["reasons"] == {}

    too_long["note"] = ""            # the shape is right now; the round is still unknown
    [result] = phone.push(too_long).get_json()["results"]
    assert result["errors"] == {"round_id": ["unknown round"]}
    assert result["reasons"] == {"round_id": [{"code": "unknown_round", "params": {}}]}

    [result] = api.as_user("inspector2").push(hijack).get_json()["results"]
    assert result["errors"] == {"id": ["this inspection belongs to another inspector"]}
    assert result["reasons"] == {"id": [{"code": "not_owner", "params": {}}]}


def evidence_of(app, inspection_id):
    with app.app_context():
        row = db.session.get(Inspection, inspection_id)
        return {"flags": row.flags, "version": row.version, "updated_at": row.updated_at,
                "photos": {p.id: p.flags for p in row.photos}}


def test_a_photo_named_in_another_township_flags_nothing_there(app, api, phone, ref):
    """Evidence flags stay in the township: a record of township B naming the SHA-256 of
    township A's photo neither flags A's inspection nor learns of it from its own flags;
    within A the same photo twice is a duplicate, as ever."""
    photo = photo_record(jpeg_bytes(seed=31))
    mine = new_inspection(ref, deductions={"collection": {"bins": 1}}, photos=[photo])
    assert phone.push(mine).get_json()["results"][0]["outcome"] == "applied"
    before = evidence_of(app, mine["id"])
    assert "duplicate" not in before["photos"][photo["id"]]

    elsewhere = other_township(app)
    outsider = api.as_user(elsewhere.usernames["inspector"])
    theirs = inspection(elsewhere.round_id, elsewhere.group_id,
                        deductions={"collection": {"bins": 1}},
                        photos=[dict(photo, id=photo_record(b"x")["id"])])
    response = outsider.push(theirs)
    assert response.get_json()["results"][0]["outcome"] == "applied"
    assert mine["id"] not in response.get_data(as_text=True)
    assert evidence_of(app, mine["id"]) == before                   # A's record untouched
    flags = evidence_of(app, theirs["id"])
    assert "duplicate" not in flags["photos"][theirs["photos"][0]["id"]]
    pulled, _ = outsider.pull_all()
    assert mine["id"] not in str(pulled)
    [pulled_theirs] = [c["data"] for c in pulled if c["type"] == "inspection"]
    assert "duplicate" not in str(pulled_theirs["photo_flags"])

    again = new_inspection(ref, deductions={"collection": {"bins": 1}},
                           photos=[dict(photo, id=photo_record(b"y")["id"])])
    api.as_user("inspector2").push(again)
    assert "duplicate" in evidence_of(app, mine["id"])["photos"][photo["id"]]
    assert "duplicate" in evidence_of(app, again["id"])["photos"][again["photos"][0]["id"]]
