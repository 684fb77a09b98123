"""Test data made by the tests: inspections as a phone would push them, real images."""
import hashlib
import io
import uuid
from datetime import datetime, timedelta, timezone

from PIL import Image


def jpeg_bytes(width=64, height=48, color=(200, 40, 40), seed=0) -> bytes:
    """A real JPEG; `seed` varies the picture so that hashes differ."""
    image = Image.new("RGB", (width, height), color)
    for x in range(0, width, 8):
        for y in range(0, height, 8):
            shade = (x * 7 + y * 13 + seed * 29) % 256
            image.putpixel((x, y), (shade, 255 - shade, (shade * 3) % 256))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def photo_record(data: bytes, criterion="collection", item="bins", **overrides) -> dict:
    record = {
        "id": str(uuid.uuid4()), "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data), "mime": "image/jpeg", "width": 64, "height": 48,
        "criterion": criterion, "item": item, "captured_at": None,
        "gps": None, "source": "camera",
    }
    record.update(overrides)
    return record


def inspection(round_id: int, group_id: int, deductions=None, photos=(), **overrides) -> dict:
    """A submitted inspection; `deductions` is {criterion: {item: count}}."""
    criteria = {key: {"na": False, "deductions": items, "note": ""}
                for key, items in (deductions or {}).items()}
    started = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0)
    payload = {
        "id": str(uuid.uuid4()), "client_rev": 1, "base_version": None,
        "round_id": round_id, "group_id": group_id, "rubric_version": 1,
        "status": "submitted", "started_at": (started - timedelta(minutes=30)).isoformat(),
        "finished_at": started.isoformat(),
        "gps": None, "criteria": criteria, "note": "", "photos": list(photos),
    }
    payload.update(overrides)
    return payload


def reference(session) -> dict:
    """The open round and the caller's assigned group ids, from a full pull."""
    changes, _ = session.pull_all()
    by_type = {}
    for change in changes:
        by_type.setdefault(change["type"], []).append(change["data"])
    round_ = next(r for r in by_type["round"] if r["state"] == "open")
    assigned = [a["group_id"] for a in by_type.get("assignment", [])
                if a["user_id"] == session.user["id"]]
    return {"round": round_, "groups": [g["id"] for g in by_type["group"]],
            "assigned": assigned, "changes": changes}


def upload(session, data: bytes, chunk: int = 256 * 1024, start: int = 0, stop: int | None = None):
    """PATCHes `data` from `start` in chunks, up to `stop` bytes; returns the responses."""
    sha = hashlib.sha256(data).hexdigest()
    responses, offset, stop = [], start, len(data) if stop is None else stop
    while offset < stop:
        piece = data[offset:min(offset + chunk, stop)]
        response = session.patch(f"/blobs/{sha}", data=piece, headers={
            "Upload-Offset": str(offset), "Upload-Length": str(len(data)),
            "Content-Type": "application/offset+octet-stream"})
        responses.append(response)
        if response.status_code not in (201, 204):
            break
        offset = int(response.headers["Upload-Offset"])
    return responses


def uploaded(session, data: bytes) -> bytes:
    """Uploads `data` whole and checks it was stored; returns the same bytes."""
    responses = upload(session, data)
    assert responses[-1].status_code == 201, responses[-1].get_data(as_text=True)
    return data


def big_jpeg(width=2400, height=1800, exif=None, seed=0) -> bytes:
    """A larger JPEG with noise (so it does not compress to nothing)."""
    import random

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width // 8, height // 8),
                            bytes(rng.randrange(256) for _ in range(width // 8 * height // 8 * 3)))
    image = image.resize((width, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def with_photos(session, ref, group_id, deductions, seed=0, **kw):
    """Pushes an inspection with one uploaded photo per deduction; returns the payload."""
    photos = []
    for n, (criterion, items) in enumerate(sorted(deductions.items())):
        for m, item in enumerate(sorted(items)):
            data = jpeg_bytes(seed=seed * 100 + n * 10 + m)
            photos.append(photo_record(uploaded(session, data), criterion=criterion, item=item))
    payload = inspection(ref["round"]["id"], group_id, deductions=deductions, photos=photos,
                         **kw)
    result = session.push(payload).get_json()["results"][0]
    assert result["outcome"] == "applied", result
    return payload


def make_conflict(phone, ref):
    """Two devices of one inspector edit the same leaf from the same base."""
    payload = inspection(ref["round"]["id"], ref["assigned"][0],
                         deductions={"collection": {"bins": 1}}, note="first")
    phone.push(payload)
    mine = dict(payload, client_rev=2, base_version=1, note="from device A",
                criteria={"collection": {"na": False, "deductions": {"bins": 3}, "note": ""}})
    assert phone.push(mine).get_json()["results"][0]["outcome"] == "applied"
    return payload


def open_conflict(api, phone, ref):
    """make_conflict, then the inspector's second phone sends its edit of the same base:
    the inspection has an open conflict on its note and on collection.bins."""
    payload = make_conflict(phone, ref)
    theirs = dict(payload, client_rev=1, base_version=1, note="from device B",
                  criteria={"collection": {"na": False, "deductions": {"bins": 5}, "note": ""}})
    assert api.as_user("inspector1").push(theirs).get_json()["results"][0]["outcome"] == "conflict"
    return payload


def make_rectification(app, phone, ref, deductions=None, group_id=None, deadline=None,
                       seed=7) -> dict:
    """A rectification of a group, made directly from the models (as publishing would):
    `phone` pushes an inspection with one uploaded photo per deduction, and each
    deduction becomes an item with that photo as its "before" photo. Returns
    {id, keys: ["criterion.item", ...], photos: {key: photo record}, inspection}."""
    from server.extensions import db
    from server.models import Rectification, RectificationItem, Round
    from sync.clock import TOWNSHIP_TZ

    deductions = deductions or {"collection": {"bins": 2}, "roads": {"road_dirty": 1}}
    group_id = group_id or ref["assigned"][0]
    payload = with_photos(phone, ref, group_id, deductions, seed=seed)
    photos = {f"{p['criterion']}.{p['item']}": p for p in payload["photos"]}
    with app.app_context():
        round_ = db.session.get(Round, ref["round"]["id"])
        rectification = Rectification(
            township_id=round_.township_id, round_id=round_.id, group_id=group_id,
            deadline=deadline or datetime.now(TOWNSHIP_TZ).date() + timedelta(days=15),
            published_version=1)
        for criterion, items in sorted(deductions.items()):
            for item, count in sorted(items.items()):
                rectification.items.append(RectificationItem(
                    criterion=criterion, item=item, count=count,
                    photo_ids=[photos[f"{criterion}.{item}"]["id"]]))
        db.session.add(rectification)
        db.session.commit()
        return {"id": rectification.id, "keys": sorted(photos), "photos": photos,
                "inspection": payload}


def recheck(rectification: dict, fixed=True, photos=(), **overrides) -> dict:
    """A recheck of every item of `rectification` (from make_rectification)."""
    started = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0)
    payload = {
        "id": str(uuid.uuid4()), "client_rev": 1, "base_version": None,
        "rectification_id": rectification["id"],
        "started_at": (started - timedelta(minutes=20)).isoformat(),
        "finished_at": started.isoformat(), "gps": None,
        "items": {key: {"fixed": fixed, "note": ""} for key in rectification["keys"]},
        "note": "", "photos": list(photos),
    }
    payload.update(overrides)
    return payload
def close_round(app, round_id: int) -> None:
    """Closes a round as an admin would (publishing needs a closed round)."""
    from server.admin.rounds import close_round as close
    from server.extensions import db
    from server.models import Round

    with app.app_context():
        close(db.session.get(Round, round_id))
        db.session.commit()


def published_black_list(app, phone, boss, ref, before_publish=None) -> dict:
    """Three of inspector1's groups inspected with a photo per deduction, the round
    closed and published: A (99) on no list; B (95: bins ×2, road_dirty ×3) and C (94:
    road_dirty ×6) on the Black List. `before_publish(inspections)` runs just before
    publishing (to review photos, say). Returns the groups, inspections and snapshot."""
    a, b, c = ref["assigned"][:3]
    inspections = {
        "a": with_photos(phone, ref, a, {"collection": {"bins": 1}}, seed=11),
        "b": with_photos(phone, ref, b, {"collection": {"bins": 2}, "roads": {"road_dirty": 3}},
                         seed=12),
        "c": with_photos(phone, ref, c, {"roads": {"road_dirty": 6}}, seed=13),
    }
    if before_publish:
        before_publish(inspections)
    round_id = ref["round"]["id"]
    close_round(app, round_id)
    response = boss.post(f"/rounds/{round_id}/publish")
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"round_id": round_id, "a": a, "b": b, "c": c, "inspections": inspections,
            "published": response.get_json()}
