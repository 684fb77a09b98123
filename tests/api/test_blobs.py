"""Resumable, content-addressed photo uploads: check, HEAD, PATCH, GET."""
import hashlib
import io

import pytest
import sqlalchemy as sa
from flask import request
from PIL import Image

from server.extensions import db, limiter
from server.models import Blob, Inspection
from server.photos.images.checks import HEAD_BYTES, TAIL_BYTES
from server.photos.ingest import _SeenBody
from server.photos.store.folder import LocalBlobStore
from server.security import HEADERS
from tests.support.factories import (big_jpeg, inspection, jpeg_bytes, photo_record, reference,
                                     upload, with_photos)

OCTETS = "application/offset+octet-stream"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def patch(session, digest, body, offset, length, content_type=OCTETS):
    return session.patch(f"/blobs/{digest}", data=body, headers={
        "Upload-Offset": str(offset), "Upload-Length": str(length), "Content-Type": content_type})


def check(session, data):
    return session.post("/blobs/check", json={"blobs": [{"sha256": sha(data), "size": len(data)}]}
                        ).get_json()["missing"]


def test_chunked_upload_completes_and_reads_back(app, phone):
    photo = big_jpeg()
    assert len(photo) > 600_000
    assert check(phone, photo) == [{"sha256": sha(photo), "offset": 0}]
    responses = upload(phone, photo)
    assert [r.status_code for r in responses] == [204] * (len(responses) - 1) + [201]
    assert len(responses) == -(-len(photo) // (256 * 1024))
    head = phone.head(f"/blobs/{sha(photo)}")
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(photo))
    assert check(phone, photo) == []
    # Reading needs an inspection that references the blob.
    assert phone.get(f"/blobs/{sha(photo)}").status_code == 404
    ref = reference(phone)
    phone.push(inspection(ref["round"]["id"], ref["assigned"][0],
                          deductions={"collection": {"bins": 1}}, photos=[photo_record(photo)]))
    original = phone.get(f"/blobs/{sha(photo)}")
    assert original.status_code == 200 and sha(original.data) == sha(photo)
    for variant, limit in (("display", 1600), ("thumb", 320)):
        image = Image.open(io.BytesIO(phone.get(f"/blobs/{sha(photo)}?variant={variant}").data))
        assert max(image.size) <= limit


def test_cut_at_60_percent_resumes_from_head(app, phone):
    photo = big_jpeg(seed=3)
    cut = int(len(photo) * 0.6)
    sent = upload(phone, photo, stop=cut)
    assert all(r.status_code == 204 for r in sent)
    offset = int(phone.head(f"/blobs/{sha(photo)}").headers["Upload-Offset"])
    assert offset == cut
    assert check(phone, photo) == [{"sha256": sha(photo), "offset": cut}]
    rest = upload(phone, photo, start=offset)
    assert rest[-1].status_code == 201
    assert len(rest) == -(-(len(photo) - cut) // (256 * 1024))  # nothing re-sent


def test_stale_offset_is_409_with_the_right_offset(phone):
    photo = jpeg_bytes(seed=4)
    half = len(photo) // 2
    assert patch(phone, sha(photo), photo[:half], 0, len(photo)).status_code == 204
    response = patch(phone, sha(photo), photo[:half], 0, len(photo))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "offset_mismatch"
    assert response.headers["Upload-Offset"] == str(half)


def test_corrupted_bytes_422_and_nothing_published(app, phone):
    photo = jpeg_bytes(seed=5)
    corrupted = bytearray(photo)
    corrupted[len(photo) // 2] ^= 0xFF
    response = patch(phone, sha(photo), bytes(corrupted), 0, len(photo))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "hash_mismatch"
    assert phone.head(f"/blobs/{sha(photo)}").status_code == 404
    assert check(phone, photo) == [{"sha256": sha(photo), "offset": 0}]
    with app.app_context():
        assert db.session.get(Blob, sha(photo)) is None


def bomb_png() -> bytes:
    """A valid PNG header declaring 10000×5000 pixels: tiny on disk, 50 MP decoded."""
    image = Image.new("1", (10000, 5000))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("name,make,status,code", [
    ("truncated", lambda: big_jpeg(800, 600)[:-5000], 415, "unsupported_media"),
    ("not an image", lambda: b"this is not a photo\n" * 100, 415, "unsupported_media"),
    ("gif", lambda: gif_bytes(), 415, "unsupported_media"),
    ("bomb", bomb_png, 413, "too_large"),
])
def test_bad_images_refused_and_not_published(phone, name, make, status, code):
    data = make()
    response = upload(phone, data)[-1]
    assert response.status_code == status, name
    assert response.get_json()["error"]["code"] == code
    assert phone.head(f"/blobs/{sha(data)}").status_code == 404


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (1, 2, 3)).save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize("headers,status,code", [
    ({"Upload-Offset": "-1", "Upload-Length": "10"}, 400, "invalid_request"),
    ({"Upload-Length": "10"}, 400, "invalid_request"),
    ({"Upload-Offset": "0"}, 400, "invalid_request"),
    ({"Upload-Offset": "20", "Upload-Length": "10"}, 400, "invalid_request"),
    ({"Upload-Offset": "0", "Upload-Length": str(16 * 1024 * 1024)}, 413, "too_large"),
])
def test_bad_upload_headers(phone, headers, status, code):
    response = phone.patch(f"/blobs/{'a' * 64}", data=b"x" * 10,
                           headers={**headers, "Content-Type": OCTETS})
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_wrong_content_type_415(phone):
    response = patch(phone, "a" * 64, b"x", 0, 10, content_type="image/jpeg")
    assert response.status_code == 415


@pytest.mark.parametrize("name", ["A" * 64, "a" * 63, "../../etc/passwd", "g" * 64])
def test_bad_blob_names_400_or_404(phone, name):
    response = patch(phone, name, b"x", 0, 10)
    assert response.status_code in (400, 404)
    assert "error" in response.get_json()


def test_chunk_over_1_mib_is_413(phone):
    data = b"\0" * (1024 * 1024 + 1)
    response = patch(phone, "b" * 64, data, 0, 5 * 1024 * 1024)
    assert response.status_code == 413


def test_chunk_longer_than_announced_is_refused(phone):
    response = patch(phone, "c" * 64, b"x" * 20, 0, 10)
    assert response.status_code == 400


def test_photo_before_record_and_record_before_photo(app, phone):
    ref = reference(phone)
    early, late = jpeg_bytes(seed=6), jpeg_bytes(seed=7)
    assert upload(phone, early)[-1].status_code == 201
    result = phone.push(inspection(
        ref["round"]["id"], ref["assigned"][0], deductions={"collection": {"bins": 2}},
        photos=[photo_record(early), photo_record(late)])).get_json()["results"][0]
    assert result["outcome"] == "applied"
    assert result["missing_blobs"] == [sha(late)]
    assert upload(phone, late)[-1].status_code == 201
    assert check(phone, late) == []


def test_same_photo_in_two_inspections_stored_once(app, phone):
    ref = reference(phone)
    photo = jpeg_bytes(seed=8)
    upload(phone, photo)
    upload(phone, photo)  # a second upload of the same bytes changes nothing
    for group in ref["assigned"][:2]:
        phone.push(inspection(ref["round"]["id"], group, deductions={"collection": {"bins": 1}},
                              photos=[photo_record(photo)]))
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Blob)).scalar() == 1
        flags = [p.flags for i in db.session.execute(db.select(Inspection)).scalars()
                 for p in i.photos]
    assert all("duplicate" in f for f in flags)
    store = app.extensions["blobstore"]
    assert store.exists(sha(photo))


def test_completed_upload_retried_is_harmless(phone):
    photo = jpeg_bytes(seed=9)
    assert upload(phone, photo)[-1].status_code == 201
    again = patch(phone, sha(photo), photo, 0, len(photo))
    assert again.status_code == 409
    assert again.headers["Upload-Offset"] == str(len(photo))


def test_photos_readable_only_by_owner_and_reviewers(api):
    owner, other, supervisor = (api.as_user(u) for u in ("inspector1", "inspector2", "supervisor1"))
    ref = reference(owner)
    photo = jpeg_bytes(seed=10)
    upload(owner, photo)
    owner.push(inspection(ref["round"]["id"], ref["assigned"][0],
                          deductions={"collection": {"bins": 1}}, photos=[photo_record(photo)]))
    assert owner.get(f"/blobs/{sha(photo)}").status_code == 200
    assert supervisor.get(f"/blobs/{sha(photo)}").status_code == 200
    assert other.get(f"/blobs/{sha(photo)}").status_code == 404
    assert other.get(f"/blobs/{sha(photo)}?variant=huge").status_code == 400


def test_display_variant_has_no_gps(api):
    owner = api.as_user("inspector1")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (21.0, 57.0, 36.0), 3: "E", 4: (100.0, 27.0, 0.0)})
    photo = big_jpeg(1200, 800, exif=exif, seed=11)
    upload(owner, photo)
    ref = reference(owner)
    owner.push(inspection(ref["round"]["id"], ref["assigned"][0],
                          deductions={"collection": {"bins": 1}}, photos=[photo_record(photo)]))
    display = Image.open(io.BytesIO(owner.get(f"/blobs/{sha(photo)}?variant=display").data))
    assert display.size == (800, 1200)  # orientation applied
    assert 0x8825 not in display.getexif() and not display.info.get("exif")
    original = Image.open(io.BytesIO(owner.get(f"/blobs/{sha(photo)}").data))
    assert 0x8825 in original.getexif()


def test_two_phones_finishing_the_same_photo_at_once(app, api):
    """Both requests end well (201, or 409 telling where to resume); stored once."""
    import threading

    phones = [api.as_user("inspector1"), api.as_user("inspector2")]
    photo = big_jpeg(900, 700, seed=21)
    statuses, barrier = [], threading.Barrier(2)

    def send(session):
        client = app.test_client()
        barrier.wait()
        response = client.patch(f"/api/v1/blobs/{sha(photo)}", data=photo, headers={
            **session.headers, "Upload-Offset": "0", "Upload-Length": str(len(photo)),
            "Content-Type": OCTETS})
        statuses.append((response.status_code, response.headers.get("Upload-Offset")))

    threads = [threading.Thread(target=send, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s == 201 or (s == 409 and o.isdigit()) for s, o in statuses), statuses
    assert any(s == 201 for s, _ in statuses)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Blob)).scalar() == 1


def test_a_known_sha256_does_not_read_another_inspectors_photo(api, phone, ref, boss):
    """B references A's photo by its SHA-256 in an inspection of B's own: B still cannot
    read the bytes, A can, and supervisors can."""
    pushed = with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 1}})
    digest = pushed["photos"][0]["sha256"]
    other = api.as_user("inspector2")
    theirs = reference(other)
    stolen = photo_record(b"", sha256=digest, size=pushed["photos"][0]["size"])
    result = other.push(inspection(theirs["round"]["id"], theirs["assigned"][0],
                                   deductions={"collection": {"bins": 1}}, photos=[stolen]))
    assert result.get_json()["results"][0]["outcome"] == "applied"
    for variant in ("original", "thumb"):
        refused = other.get(f"/blobs/{digest}?variant={variant}")
        assert refused.status_code == 404
        assert refused.get_json()["error"]["code"] == "not_found"
    assert phone.get(f"/blobs/{digest}").status_code == 200
    assert boss.get(f"/blobs/{digest}").status_code == 200


def test_only_the_inspector_who_sent_the_bytes_reads_them(api, phone, ref):
    """Both reference the same photo; the second found it on the server and sent nothing."""
    data = jpeg_bytes(seed=77)
    other = api.as_user("inspector2")
    for session in (phone, other):
        upload(session, data)
        own = reference(session)
        session.push(inspection(own["round"]["id"], own["assigned"][0],
                                deductions={"collection": {"bins": 1}},
                                photos=[photo_record(data)]))
    assert phone.get(f"/blobs/{sha(data)}").status_code == 200
    assert other.get(f"/blobs/{sha(data)}").status_code == 404


def test_a_check_of_thousands_of_photos_asks_the_database_once_per_thousand(app, phone):
    held = [jpeg_bytes(seed=n) for n in (71, 72)]
    for data in held:
        upload(phone, data)
    unknown = [hashlib.sha256(f"photo {n}".encode()).hexdigest() for n in range(4998)]
    asked = [{"sha256": sha(data), "size": len(data)} for data in held] + \
        [{"sha256": digest, "size": 1000} for digest in unknown]
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM blobs" in statement:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        missing = phone.post("/blobs/check", json={"blobs": asked}).get_json()["missing"]
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert missing == [{"sha256": digest, "offset": 0} for digest in unknown]
    assert len(statements) == 5


class ReadBackCounting(LocalBlobStore):
    """The app's own photo folder, counting how often an upload is read back from it."""

    def __init__(self, root):
        super().__init__(root)
        self.read_back = 0

    def open_partial(self, sha):
        self.read_back += 1
        return super().open_partial(sha)


def test_a_photo_sent_whole_is_checked_as_it_streams_in(app, phone, monkeypatch):
    store = ReadBackCounting(app.extensions["blobstore"].root)
    monkeypatch.setitem(app.extensions, "blobstore", store)
    whole = jpeg_bytes(seed=81)
    assert patch(phone, sha(whole), whole, 0, len(whole)).status_code == 201
    assert store.read_back == 0 and store.exists(sha(whole))
    # Sent in pieces, the bytes that came before are read back once, to hash them all.
    pieces = big_jpeg(seed=82)
    assert [r.status_code for r in upload(phone, pieces)][-1] == 201
    assert store.read_back == 1 and store.exists(sha(pieces))
    # A whole body that is not the photo named is refused as before, and not kept.
    wrong = jpeg_bytes(seed=83)
    assert patch(phone, sha(whole[::-1]), wrong, 0, len(wrong)).status_code == 422
    assert store.partial_offset(sha(whole[::-1])) is None and store.read_back == 1


def test_a_chunks_answer_is_its_offsets_and_skips_the_work_of_pages_and_sign_ins(
        app, client, phone, monkeypatch):
    """Photo chunks are most of the traffic: their answers carry no body, so none of the
    headers meant for one (a page's security headers, gzip's Vary), and they never
    consult the sign-in throttle, which only a POST can concern."""
    consulted = []
    asked = limiter.identify_request
    monkeypatch.setattr(limiter, "identify_request",
                        lambda: consulted.append(request.method) or asked())
    photo = big_jpeg(seed=91)
    answers = upload(phone, photo)
    assert [r.status_code for r in answers] == [204] * (len(answers) - 1) + [201]
    for answer in answers:
        assert answer.headers["Upload-Offset"] and answer.headers["Tus-Resumable"]
        assert not set(HEADERS) & set(answer.headers.keys()), answer.headers
        assert "Vary" not in answer.headers and answer.get_data() == b""
    assert consulted == []
    # What has a body still gets them, and a sign-in is still counted.
    assert set(HEADERS) <= set(phone.get("/sync/pull").headers.keys())
    refused = client.post("/api/v1/auth/token", json={"username": "inspector1",
                                                      "password": "wrong", "device_name": "x"})
    assert refused.status_code == 401 and consulted and set(consulted) == {"POST"}
    assert set(HEADERS) <= set(refused.headers.keys())


class Trickle(io.BytesIO):
    """A body that arrives a kilobyte at a time, whatever is asked for."""

    def read(self, size=-1):
        return super().read(1024)


def test_a_body_keeps_its_head_as_it_streams_in_without_copying_a_whole_first_piece():
    data = big_jpeg(seed=84)
    whole = _SeenBody(io.BytesIO(data))
    first = whole.read(HEAD_BYTES)
    assert whole.head is first  # the photo's first 256 KiB, not copied again
    trickled = _SeenBody(Trickle(data))
    for body in (whole, trickled):
        while body.read(HEAD_BYTES):
            pass
        assert bytes(body.head) == data[:HEAD_BYTES] and body.tail == data[-TAIL_BYTES:]
        assert body.digest.hexdigest() == sha(data)
