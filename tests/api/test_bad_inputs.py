"""R3: a catalogue of bad inputs. Each gets a 4xx with the JSON error shape (or a
`rejected` result in a push), never a 500, and nothing is written partially."""
import hashlib
import io
import json
import zipfile

import pytest

from server.extensions import db
from server.models import Blob, BlobUpload, Inspection, InspectionRevision, Photo
from tests.support.factories import inspection, jpeg_bytes, reference

OCTETS = "application/offset+octet-stream"
SHA = "ab" * 32


def table_counts(app):
    with app.app_context():
        return tuple(db.session.execute(db.select(db.func.count()).select_from(m)).scalar()
                     for m in (Inspection, InspectionRevision, Photo, Blob))


def zipped(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


# (name, method, path, kwargs) — requests made with a valid inspector token.
REQUESTS = [
    ("malformed json", "post", "/sync/push", {"data": b"{", "content_type": "application/json"}),
    ("json array body", "post", "/sync/push", {"json": []}),
    ("json string body", "post", "/sync/push", {"json": "push"}),
    ("null body", "post", "/sync/push", {"data": b"null", "content_type": "application/json"}),
    ("inspections not a list", "post", "/sync/push", {"json": {"client_id": "c", "inspections": 5}}),
    ("unknown top-level key", "post", "/sync/push",
     {"json": {"client_id": "c", "inspections": [], "extra": 1}}),
    ("huge body", "post", "/sync/push",
     {"data": b'{"x":"' + b"y" * (6 * 1024 * 1024) + b'"}', "content_type": "application/json"}),
    ("wrong content type for push", "post", "/sync/push",
     {"data": b"client_id=x", "content_type": "application/x-www-form-urlencoded"}),
    ("pull limit 0", "get", "/sync/pull?limit=0", {}),
    ("pull limit huge", "get", "/sync/pull?limit=99999999999999999999", {}),
    ("pull limit negative", "get", "/sync/pull?limit=-5", {}),
    ("pull forged cursor", "get", "/sync/pull?cursor=AAAA", {}),
    ("pull cursor with path trick", "get", "/sync/pull?cursor=../../etc/passwd", {}),
    ("check not a list", "post", "/blobs/check", {"json": {"blobs": "x"}}),
    ("check bad sha", "post", "/blobs/check", {"json": {"blobs": [{"sha256": "zz", "size": 1}]}}),
    ("check negative size", "post", "/blobs/check", {"json": {"blobs": [{"sha256": SHA, "size": -1}]}}),
    ("check blob too big", "post", "/blobs/check",
     {"json": {"blobs": [{"sha256": SHA, "size": 16 * 1024 * 1024}]}}),
    ("patch no headers", "patch", f"/blobs/{SHA}", {"data": b"x", "headers": {"Content-Type": OCTETS}}),
    ("patch offset not a number", "patch", f"/blobs/{SHA}",
     {"data": b"x", "headers": {"Content-Type": OCTETS, "Upload-Offset": "one", "Upload-Length": "1"}}),
    ("patch zero length", "patch", f"/blobs/{SHA}",
     {"data": b"", "headers": {"Content-Type": OCTETS, "Upload-Offset": "0", "Upload-Length": "0"}}),
    ("patch offset beyond length", "patch", f"/blobs/{SHA}",
     {"data": b"x", "headers": {"Content-Type": OCTETS, "Upload-Offset": "9", "Upload-Length": "5"}}),
    ("patch stale offset", "patch", f"/blobs/{SHA}",
     {"data": b"x", "headers": {"Content-Type": OCTETS, "Upload-Offset": "3", "Upload-Length": "5"}}),
    ("patch body longer than length", "patch", f"/blobs/{SHA}",
     {"data": b"x" * 9, "headers": {"Content-Type": OCTETS, "Upload-Offset": "0", "Upload-Length": "5"}}),
    ("patch wrong content type", "patch", f"/blobs/{SHA}",
     {"data": b"x", "headers": {"Content-Type": "image/jpeg", "Upload-Offset": "0", "Upload-Length": "1"}}),
    ("patch uppercase sha", "patch", f"/blobs/{SHA.upper()}",
     {"data": b"x", "headers": {"Content-Type": OCTETS, "Upload-Offset": "0", "Upload-Length": "1"}}),
    ("patch path trick", "patch", "/blobs/..%2F..%2Fetc%2Fpasswd",
     {"data": b"x", "headers": {"Content-Type": OCTETS, "Upload-Offset": "0", "Upload-Length": "1"}}),
    ("patch wrong hash", "patch", f"/blobs/{SHA}",
     {"data": jpeg_bytes(), "headers": {"Content-Type": OCTETS, "Upload-Offset": "0",
                                        "Upload-Length": str(len(jpeg_bytes()))}}),
    ("head bad sha", "head", "/blobs/nothex", {}),
    ("get unknown blob", "get", f"/blobs/{SHA}", {}),
    ("get bad variant", "get", f"/blobs/{SHA}?variant=../../x", {}),
    ("bundle not multipart", "post", "/sync/bundle", {"json": {"bundle": "x"}}),
    ("bundle not a zip", "post", "/sync/bundle",
     {"bundle": b"PK no zip"}),
    ("bundle without manifest", "post", "/sync/bundle",
     {"bundle": zipped({"x": b"1"})}),
    ("bundle with traversal name", "post", "/sync/bundle",
     {"bundle": zipped({"manifest.json": b"{}", "../../x": b"1"})}),
    ("bundle manifest not json", "post", "/sync/bundle",
     {"bundle": zipped({"manifest.json": b"\xff\xfe"})}),
    ("bundle manifest wrong shape", "post", "/sync/bundle",
     {"bundle": zipped({"manifest.json": b'{"inspections": 3}'})}),
    ("token missing fields", "post", "/auth/token", {"json": {}}),
    ("token wrong types", "post", "/auth/token",
     {"json": {"username": 1, "password": [], "device_name": None}}),
    ("token very long username", "post", "/auth/token",
     {"json": {"username": "x" * 5000, "password": "p", "device_name": "d"}}),
    ("unknown endpoint", "get", "/nothing/here", {}),
    ("wrong method", "put", "/sync/push", {"json": {}}),
]


@pytest.mark.parametrize("name,method,path,kwargs", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_bad_request_gets_a_4xx_json_error(app, api, name, method, path, kwargs):
    phone = api.as_user("inspector1")
    if name == "patch stale offset":
        phone.patch(f"/blobs/{SHA}", data=b"ab", headers={
            "Content-Type": OCTETS, "Upload-Offset": "0", "Upload-Length": "5"})
    if "bundle" in kwargs:  # a fresh file object for each run
        kwargs = {"data": {"bundle": (io.BytesIO(kwargs["bundle"]), "b.zip")},
                  "content_type": "multipart/form-data"}
    before = table_counts(app)
    response = getattr(phone.client, method)(
        f"/api/v1{path}", **{**kwargs, "headers": {**phone.headers, **kwargs.get("headers", {})}})
    assert 400 <= response.status_code < 500, (name, response.status_code)
    if method != "head":
        error = response.get_json()["error"]
        assert error["code"] and error["message"]
    assert table_counts(app) == before


# Bad inspections inside an otherwise good push: each is `rejected` with field errors.
def bad_inspections(ref):
    good = lambda **kw: inspection(ref["round"]["id"], ref["assigned"][0], **kw)  # noqa: E731
    cases = {
        "id not a uuid": {"id": "123"},
        "client_rev zero": {"client_rev": 0},
        "client_rev string": {"client_rev": "1"},
        "base_version string": {"base_version": "2"},
        "status draft": {"status": "draft"},
        "finished before started": {"started_at": "2026-11-20T10:00:00+08:00",
                                    "finished_at": "2026-11-20T09:00:00+08:00"},
        "naive time": {"started_at": "2026-11-20T10:00:00"},
        "lat out of range": {"gps": {"lat": 91, "lon": 100, "accuracy_m": 5, "at": None}},
        "unknown criterion": {"criteria": {"weather": {"na": False, "deductions": {}}}},
        "count too big": {"criteria": {"roads": {"deductions": {"road_dirty": 1000}}}},
        "once item twice": {"criteria": {"cleaning": {"deductions": {"no_cleaner": 2}}}},
        "count float": {"criteria": {"roads": {"deductions": {"road_dirty": 1.5}}}},
        "note too long": {"note": "长" * 10001},
        "photo bad sha": {"photos": [{"id": "8b0c2a4e-2f0b-4c7e-9a51-0c6f7e1d2a3b", "sha256": "XYZ",
                                      "size": 1, "mime": "image/jpeg", "width": 1, "height": 1,
                                      "criterion": "roads", "item": "road_dirty",
                                      "captured_at": None, "gps": None, "source": "camera"}]},
        "photo bad source": {"photos": [{"id": "8b0c2a4e-2f0b-4c7e-9a51-0c6f7e1d2a3c",
                                         "sha256": SHA, "size": 1, "mime": "image/jpeg",
                                         "width": 1, "height": 1, "criterion": "roads",
                                         "item": "road_dirty", "captured_at": None, "gps": None,
                                         "source": "internet"}]},
        "unknown key": {"secret": 1},
    }
    return {name: good(**fields) for name, fields in cases.items()}


def test_each_bad_inspection_rejected_alone_and_nothing_stored(app, api):
    phone = api.as_user("inspector1")
    ref = reference(phone)
    cases = bad_inspections(ref)
    before = table_counts(app)
    response = phone.push(*cases.values())
    assert response.status_code == 200
    results = response.get_json()["results"]
    for (name, _), result in zip(cases.items(), results):
        assert result["outcome"] == "rejected", name
        assert result["errors"], name
    assert table_counts(app) == before
    assert len(cases) + len(REQUESTS) >= 40


def test_script_in_a_note_is_stored_as_text(app, api, client):
    phone = api.as_user("inspector1")
    ref = reference(phone)
    payload = inspection(ref["round"]["id"], ref["assigned"][0],
                         note="<script>alert('x')</script>")
    assert phone.push(payload).get_json()["results"][0]["outcome"] == "applied"
    from tests.support.web import login
    login(client, "supervisor1")
    page = client.get("/review/").get_data(as_text=True)
    assert "<script>alert('x')</script>" not in page


def test_interrupted_upload_leaves_no_published_blob(app, api):
    phone = api.as_user("inspector1")
    data = jpeg_bytes(seed=77)
    sha = hashlib.sha256(data).hexdigest()
    phone.patch(f"/blobs/{sha}", data=data[:100], headers={
        "Content-Type": OCTETS, "Upload-Offset": "0", "Upload-Length": str(len(data))})
    with app.app_context():
        assert db.session.get(Blob, sha) is None
        assert db.session.get(BlobUpload, sha).length == len(data)
    assert not app.extensions["blobstore"].exists(sha)
    assert json.loads(json.dumps(phone.head(f"/blobs/{sha}").headers.get("Upload-Offset"))) == "100"
