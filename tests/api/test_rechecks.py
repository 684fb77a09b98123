"""Rechecks (复查): pushed like inspections, pulled back, reviewed item by item."""
import hashlib
import re
from datetime import date, timedelta

import pytest

from server.extensions import db
from server.models import Recheck, RecheckPhoto, Rectification
from server.review.rectifications import state_of
from tests.support.factories import (jpeg_bytes, make_rectification, photo_record, recheck,
                                     uploaded)


@pytest.fixture
def rectification(app, phone, ref):
    return make_rectification(app, phone, ref)


def stored(app, recheck_id):
    with app.app_context():
        row = db.session.get(Recheck, recheck_id)
        return row and {
            "version": row.version, "items": row.items, "note": row.note, "flags": row.flags,
            "has_conflict": row.has_conflict, "review_state": row.review_state,
            "photos": [p.id for p in row.photos],
            "revisions": [(r.client_rev, r.outcome) for r in row.revisions]}


def item_states(app, rectification_id):
    with app.app_context():
        row = db.session.get(Rectification, rectification_id)
        return ({f"{i.criterion}.{i.item}": i.state for i in row.items},
                state_of(row))


def after_photo(phone, key, seed=50):
    criterion, item = key.split(".")
    return photo_record(uploaded(phone, jpeg_bytes(seed=seed)), criterion=criterion, item=item)


# ---- push ----------------------------------------------------------------------------

def test_applied_marks_fixed_items_then_duplicate(app, phone, rectification):
    first_key, second_key = rectification["keys"]
    payload = recheck(rectification, photos=[after_photo(phone, first_key)])
    payload["items"][second_key]["fixed"] = False
    [result] = phone.push_rechecks(payload)
    assert (result["outcome"], result["version"], result["missing_blobs"]) == ("applied", 1, [])
    assert result["id"] == payload["id"]
    assert item_states(app, rectification["id"]) == (
        {first_key: "fixed", second_key: "open"}, "open")
    assert stored(app, payload["id"])["photos"] == [payload["photos"][0]["id"]]
    [again] = phone.push_rechecks(payload)
    assert (again["outcome"], again["version"]) == ("duplicate", 1)
    assert stored(app, payload["id"])["revisions"] == [(1, "applied")]


def test_two_requests_push_the_same_recheck_at_once(app, phone, rectification):
    """Each recheck is applied once and the other request answers duplicate (on
    PostgreSQL the two really race; a row the other inserted first is an update)."""
    import threading

    batch = [recheck(rectification, note=str(n)) for n in range(3)]
    outcomes, errors = [], []

    def push():
        try:
            response = app.test_client().post(
                "/api/v1/sync/push", headers=phone.headers,
                json={"client_id": phone.client_id, "inspections": [], "rechecks": batch})
            outcomes.append([r["outcome"] for r in response.get_json()["recheck_results"]])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(outcomes) == 2
    assert all(sorted(pair) == ["applied", "duplicate"] for pair in zip(*outcomes))
    for payload in batch:
        assert stored(app, payload["id"])["revisions"] == [(1, "applied")]


def test_inspections_and_rechecks_in_one_push(phone, ref, rectification):
    from tests.support.factories import inspection

    body = {"client_id": phone.client_id, "rechecks": [recheck(rectification)],
            "inspections": [inspection(ref["round"]["id"], ref["assigned"][0])],
            "device": {"app_version": "1", "unsynced": {"inspections": 0, "photos": 0,
                                                        "bytes": 0}}}
    answer = phone.post("/sync/push", json=body).get_json()
    assert [r["outcome"] for r in answer["results"]] == ["applied"]
    assert [r["outcome"] for r in answer["recheck_results"]] == ["applied"]


def test_merged_when_the_server_moved_on(app, api, phone, rectification):
    first_key, second_key = rectification["keys"]
    payload = recheck(rectification, fixed=False)
    phone.push_rechecks(payload)
    other_device = api.as_user("inspector1")
    edited = dict(payload, client_rev=1, base_version=1, note="second phone")
    assert other_device.push_rechecks(edited)[0]["outcome"] == "applied"
    mine = dict(payload, client_rev=2, base_version=1,
                items={**payload["items"], first_key: {"fixed": True, "note": "swept"}})
    [result] = phone.push_rechecks(mine)
    assert (result["outcome"], result["version"]) == ("merged", 3)
    held = stored(app, payload["id"])
    assert held["note"] == "second phone"
    assert held["items"][first_key] == {"fixed": True, "note": "swept"}
    assert item_states(app, rectification["id"])[0][first_key] == "fixed"


def test_conflict_keeps_the_server_value_and_flags(app, api, phone, rectification):
    first_key = rectification["keys"][0]
    payload = recheck(rectification, fixed=False)
    phone.push_rechecks(payload)
    changed = {**payload["items"], first_key: {"fixed": False, "note": "bins still broken"}}
    assert phone.push_rechecks(dict(payload, client_rev=2, base_version=1,
                                    items=changed))[0]["outcome"] == "applied"
    other = {**payload["items"], first_key: {"fixed": False, "note": "bins replaced"}}
    [result] = api.as_user("inspector1").push_rechecks(
        dict(payload, base_version=1, items=other))
    assert result["outcome"] == "conflict"
    held = stored(app, payload["id"])
    assert held["items"][first_key]["note"] == "bins still broken"
    assert held["has_conflict"] and "conflict" in held["flags"]
    assert [outcome for _, outcome in held["revisions"]] == ["applied", "applied", "conflict"]


@pytest.mark.parametrize("change, path, code", [
    (lambda p: p["items"].update({"toilets.open_pit": {"fixed": True}}),
     "items.toilets.open_pit", "unknown_item"),
    (lambda p: p.update(rectification_id=999_999), "rectification_id", "unknown_rectification"),
    (lambda p: p.update(rectification_id=2**70), "rectification_id", "too_large"),
    (lambda p: p.update(id="not-a-uuid"), "id", "not_uuid"),
    (lambda p: p["items"][next(iter(p["items"]))].update(fixed="yes"), None, "not_boolean"),
    (lambda p: p["photos"].append(photo_record(b"x", criterion="collection", item="litter")),
     "photos.0.item", "unknown_item"),
    (lambda p: p["photos"].append(photo_record(b"x", criterion="collection", item=None)),
     "photos.0.item", "required"),
])
def test_rejected_and_nothing_stored(app, phone, rectification, change, path, code):
    payload = recheck(rectification)
    change(payload)
    [result] = phone.push_rechecks(payload)
    assert result["outcome"] == "rejected"
    found = {p: [r["code"] for r in reasons] for p, reasons in result["reasons"].items()}
    assert any(code in codes and (path is None or p == path) for p, codes in found.items()), found
    assert result["errors"]
    with app.app_context():
        assert db.session.execute(db.select(Recheck)).first() is None
    assert set(item_states(app, rectification["id"])[0].values()) == {"open"}


def test_another_townships_rectification_is_unknown(app, api, phone, ref, rectification):
    with app.app_context():
        db.session.get(Rectification, rectification["id"]).township_id = _other_township()
        db.session.commit()
    [result] = phone.push_rechecks(recheck(rectification))
    assert result["reasons"]["rectification_id"][0]["code"] == "unknown_rectification"


def _other_township() -> int:
    from server.models import Township

    other = Township(name="另一个乡", name_en="Elsewhere")
    db.session.add(other)
    db.session.flush()
    return other.id


def test_recheck_of_a_closed_rectification_is_kept_and_flagged(app, phone, rectification):
    with app.app_context():
        for item in db.session.get(Rectification, rectification["id"]).items:
            item.state = "closed"
        db.session.commit()
    payload = recheck(rectification, fixed=False)
    [result] = phone.push_rechecks(payload)
    assert result["outcome"] == "applied"
    assert stored(app, payload["id"])["flags"] == ["rectification_closed"]
    assert item_states(app, rectification["id"])[1] == "closed"


def test_missing_blobs_until_the_bytes_arrive(app, phone, rectification):
    data = jpeg_bytes(seed=77)
    photo = photo_record(data, criterion="collection", item="bins")
    payload = recheck(rectification, photos=[photo])
    [result] = phone.push_rechecks(payload)
    assert result["missing_blobs"] == [hashlib.sha256(data).hexdigest()]
    uploaded(phone, data)
    assert phone.push_rechecks(payload)[0]["missing_blobs"] == []
    # The uploader reads the after photo back.
    response = phone.get(f"/blobs/{photo['sha256']}?variant=thumb")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    with app.app_context():
        assert db.session.get(RecheckPhoto, photo["id"]).sha256 == photo["sha256"]


def test_another_inspectors_recheck_is_refused(api, phone, rectification):
    payload = recheck(rectification)
    phone.push_rechecks(payload)
    [result] = api.as_user("inspector2").push_rechecks(dict(payload, client_rev=2))
    assert result["outcome"] == "rejected"
    assert result["reasons"]["id"][0]["code"] == "not_recheck_owner"


# ---- pull ----------------------------------------------------------------------------

def pulled(session, kind):
    changes, _ = session.pull_all()
    return {c["id"]: c for c in changes if c["type"] == kind}


def test_pull_shows_the_recheck_to_its_inspector_and_supervisors(api, phone, boss,
                                                                 rectification):
    payload = recheck(rectification, note="all done")
    phone.push_rechecks(payload)
    mine = pulled(phone, "recheck")[payload["id"]]
    assert mine["version"] == 1 and mine["op"] == "put"
    data = mine["data"]
    assert (data["note"], data["items"], data["review_state"], data["item_states"]) == (
        "all done", payload["items"], "received", {})
    assert data["rectification_id"] == rectification["id"]
    assert payload["id"] in pulled(boss, "recheck")
    assert payload["id"] not in pulled(api.as_user("inspector2"), "recheck")
    states = pulled(api.as_user("inspector2"), "rectification")[str(rectification["id"])]
    assert {i["state"] for i in states["data"]["items"]} == {"fixed"}


# ---- review --------------------------------------------------------------------------

def pushed_recheck(phone, rectification, **kw):
    payload = recheck(rectification, **kw)
    assert phone.push_rechecks(payload)[0]["outcome"] == "applied"
    return payload


def review(session, recheck_id, items, comment=None):
    return session.post(f"/rechecks/{recheck_id}/review",
                        json={"items": items, "comment": comment})


def test_review_closes_items_one_by_one(app, phone, boss, rectification):
    first_key, second_key = rectification["keys"]
    payload = pushed_recheck(phone, rectification)
    response = review(boss, payload["id"], {first_key: "closed"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["version"], body["item_states"], body["rectification"]["state"]) == (
        2, {first_key: "closed"}, "open")
    assert item_states(app, rectification["id"]) == (
        {first_key: "closed", second_key: "fixed"}, "open")
    body = review(boss, payload["id"], {second_key: "closed"}).get_json()
    assert (body["review_state"], body["rectification"]["state"]) == ("approved", "closed")
    assert item_states(app, rectification["id"])[1] == "closed"
    # The inspector's phone pulls the result, every phone the rectification's state.
    data = pulled(phone, "recheck")[payload["id"]]
    assert (data["version"], data["data"]["review_state"]) == (3, "approved")
    assert pulled(phone, "rectification")[str(rectification["id"])]["data"]["state"] == "closed"
    from tests.support.web import audit_actions
    assert [a for a, _, _ in audit_actions(app)].count("review_recheck") == 2


def test_send_back_reopens_a_closed_item_and_needs_a_comment(app, phone, boss, rectification):
    first_key, second_key = rectification["keys"]
    payload = pushed_recheck(phone, rectification)
    review(boss, payload["id"], {first_key: "closed", second_key: "closed"})
    assert item_states(app, rectification["id"])[1] == "closed"
    refused = review(boss, payload["id"], {first_key: "open"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["fields"].keys() == {"comment"}
    assert item_states(app, rectification["id"])[1] == "closed"
    body = review(boss, payload["id"], {first_key: "open"}, "the bins are broken again")
    assert body.status_code == 200
    assert (body.get_json()["review_state"], body.get_json()["rectification"]["state"]) == (
        "has_issues", "open")
    assert item_states(app, rectification["id"])[0] == {first_key: "open",
                                                        second_key: "closed"}
    # The inspector answers with a new revision: it is to be reviewed again.
    again = dict(payload, client_rev=2, base_version=3,
                 items={**payload["items"], first_key: {"fixed": True, "note": "new bins"}})
    assert phone.push_rechecks(again)[0]["outcome"] == "applied"
    assert stored(app, payload["id"])["review_state"] == "received"
    assert item_states(app, rectification["id"])[0][first_key] == "fixed"


def test_overdue_until_closed(app, phone, boss, ref):
    rectification = make_rectification(app, phone, ref, deductions={"roads": {"road_dirty": 1}},
                                       deadline=date.today() - timedelta(days=3))
    assert item_states(app, rectification["id"])[1] == "overdue"
    payload = pushed_recheck(phone, rectification)
    review(boss, payload["id"], {"roads.road_dirty": "closed"})
    assert item_states(app, rectification["id"])[1] == "closed"


@pytest.mark.parametrize("items, field", [
    ({"toilets.open_pit": "closed"}, "items.toilets.open_pit"),
    ({"collection.bins": "done"}, "items.collection.bins"),
    ({}, "items"),
    ("closed", "items"),
])
def test_review_input_refused(app, phone, boss, rectification, items, field):
    payload = pushed_recheck(phone, rectification)
    response = review(boss, payload["id"], items, "why")
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]
    assert stored(app, payload["id"])["version"] == 1


def test_review_is_for_supervisors_of_the_township(app, phone, api, rectification):
    payload = pushed_recheck(phone, rectification)
    decision = {rectification["keys"][0]: "closed"}
    assert review(phone, payload["id"], decision).status_code == 403
    assert review(api.as_user("admin"), payload["id"], decision).status_code == 200
    boss = api.as_user("supervisor1")
    for unknown in ("00000000-0000-4000-8000-000000000000", "x" * 300):
        response = review(boss, unknown, decision)
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found")


# ---- pages ---------------------------------------------------------------------------

def page_text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_pages_show_before_and_after_and_review_per_item(app, web, phone, rectification):
    from tests.support.web import csrf_token

    first_key, second_key = rectification["keys"]
    after = after_photo(phone, first_key)
    payload = recheck(rectification, photos=[after], note="<b>扫干净了</b>")
    payload["items"][second_key] = {"fixed": False, "note": "路面仍有垃圾"}
    phone.push_rechecks(payload)
    listed = page_text(web.get("/review/rechecks"))
    assert f"/review/rechecks/{payload['id']}" in listed and "1/2 项已整改" in listed
    url = f"/review/rechecks/{payload['id']}"
    page = web.get(url)
    shown = page_text(page)
    assert "&lt;b&gt;扫干净了&lt;/b&gt;" in shown and "路面仍有垃圾" in shown
    thumbs = re.findall(r'src="(/review/blobs/([0-9a-f]{64})/thumb)"', shown)
    before = rectification["photos"][first_key]["sha256"]
    assert {sha for _, sha in thumbs} == {before, after["sha256"],
                                          rectification["photos"][second_key]["sha256"]}
    for thumb, _ in thumbs:
        assert web.get(thumb).mimetype == "image/jpeg"
    token = csrf_token(page)
    assert web.post(f"{url}/review", data={f"decision:{first_key}": "closed"}).status_code == 400
    # Sending back without a comment is refused and explained.
    response = web.post(f"{url}/review", data={"csrf_token": token,
                                               f"decision:{second_key}": "open"})
    assert response.status_code == 303
    assert "退回整改项时必须填写意见" in page_text(web.get(url))
    response = web.post(f"{url}/review", data={
        "csrf_token": token, f"decision:{first_key}": "closed", f"decision:{second_key}": "open",
        "comment": "请清理路面"})
    assert response.status_code == 303
    shown = page_text(web.get(url))
    assert 'id="review-state">有问题<' in shown and "请清理路面" in shown
    assert item_states(app, rectification["id"])[0] == {first_key: "closed", second_key: "open"}
    assert payload["id"] in page_text(web.get("/review/rechecks?state=has_issues"))
    # The same pages in English (the language stays with the session from here on).
    assert "Rechecks" in page_text(web.get("/review/rechecks?state=all&lang=en"))
    assert "Before" in page_text(web.get(url)) and "Closed off" in page_text(web.get(url))


def test_recheck_pages_need_a_supervisor(app, phone, rectification):
    from tests.support.web import login

    payload = recheck(rectification)
    phone.push_rechecks(payload)
    client = app.test_client()
    login(client, "inspector1")
    for path in ("/review/rechecks", f"/review/rechecks/{payload['id']}"):
        assert client.get(path).status_code == 403, path


def test_a_bundle_carries_rechecks(app, phone, rectification):
    import io
    import json
    import zipfile

    data = jpeg_bytes(seed=91)
    payload = recheck(rectification, photos=[photo_record(data, criterion="roads",
                                                          item="road_dirty")])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({
            "client_id": phone.client_id, "exported_at": "2026-11-20T18:00:00+08:00",
            "inspections": [], "rechecks": [payload]}))
        archive.writestr(f"blobs/{hashlib.sha256(data).hexdigest()}", data)
    for expected in ("applied", "duplicate"):
        response = phone.post("/sync/bundle", content_type="multipart/form-data",
                              data={"bundle": (io.BytesIO(out.getvalue()), "bundle.zip")})
        assert response.status_code == 200, response.get_json()
        [result] = response.get_json()["recheck_results"]
        assert (result["outcome"], result["missing_blobs"]) == (expected, [])
    assert stored(app, payload["id"])["revisions"] == [(1, "applied")]


def test_a_published_black_list_is_rechecked_and_closed_off(app, phone, boss, ref):
    """The whole cycle: publishing opens the rectification, the phone pulls it, rechecks
    it with an after photo, and the supervisor closes its item off."""
    from tests.support.factories import published_black_list

    published = published_black_list(app, phone, boss, ref)
    [opened] = [c["data"] for c in pulled(phone, "rectification").values()
                if c["data"]["group_id"] == published["c"]]
    assert [(i["criterion"], i["item"], i["state"]) for i in opened["items"]] == [
        ("roads", "road_dirty", "open")]
    rectification = {"id": opened["id"], "keys": ["roads.road_dirty"]}
    payload = recheck(rectification, photos=[after_photo(phone, "roads.road_dirty")])
    assert phone.push_rechecks(payload)[0]["outcome"] == "applied"
    body = review(boss, payload["id"], {"roads.road_dirty": "closed"}).get_json()
    assert (body["review_state"], body["rectification"]["state"]) == ("approved", "closed")
    assert pulled(phone, "rectification")[str(opened["id"])]["data"]["state"] == "closed"
