"""Photos in an S3-compatible bucket (a real rclone server), and a store that goes away:
inspectors go on syncing records, uploads wait with 503, nothing is half-written."""
import hashlib
import io

import pytest

from server.extensions import db
from tests.support.apps import make_app
from tests.support.apiclient import ApiClient
from tests.support.factories import (big_jpeg, inspection, jpeg_bytes, photo_record, reference,
                                     upload)
from tests.support.web import login

BUCKET = "photos"
CHUNK = 256 * 1024


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def s3_app(tmp_path, database_url, s3_outage_server):
    s3_outage_server.create_bucket(BUCKET)
    app = make_app(tmp_path, database_url, seed="bare", prepared=True,
                   **s3_outage_server.environment(BUCKET))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def s3_phone(s3_app):
    return ApiClient(s3_app.test_client()).as_user("inspector1")


def bucket_keys(app) -> list[str]:
    store = app.extensions["blobstore"]
    listing = store.client.list_objects_v2(Bucket=BUCKET, Prefix="blobs/")
    return sorted(o["Key"][len("blobs/"):] for o in listing.get("Contents", []))


def test_a_photo_goes_up_in_chunks_and_comes_back(s3_app, s3_phone):
    photo = big_jpeg(seed=11)
    responses = upload(s3_phone, photo)
    assert [r.status_code for r in responses] == [204] * (len(responses) - 1) + [201]
    ref = reference(s3_phone)
    result = s3_phone.push(inspection(ref["round"]["id"], ref["assigned"][0],
                                      deductions={"collection": {"bins": 1}},
                                      photos=[photo_record(photo)])).get_json()["results"][0]
    assert result["missing_blobs"] == []
    original = s3_phone.get(f"/blobs/{sha(photo)}")
    assert original.status_code == 200 and original.data == photo
    assert s3_phone.get(f"/blobs/{sha(photo)}?variant=thumb").status_code == 200
    assert bucket_keys(s3_app) == [f"complete/{sha(photo)[:2]}/{sha(photo)}",
                                   f"variants/display/{sha(photo)[:2]}/{sha(photo)}.jpg",
                                   f"variants/thumb/{sha(photo)[:2]}/{sha(photo)}.jpg"]


def test_the_store_goes_down_mid_sync_and_comes_back(s3_app, s3_phone, s3_outage_server):
    client = s3_app.test_client()
    assert client.get("/healthz").get_json() == {"database": "ok", "blob_store": "ok"}
    done, photo = jpeg_bytes(seed=14), big_jpeg(seed=12)
    digest, cut = sha(photo), 2 * CHUNK
    assert upload(s3_phone, done)[-1].status_code == 201
    assert [r.status_code for r in upload(s3_phone, photo, stop=cut)] == [204, 204]

    s3_outage_server.stop()
    ref = reference(s3_phone)
    pushed = s3_phone.push(inspection(ref["round"]["id"], ref["assigned"][0],
                                      deductions={"collection": {"bins": 2}},
                                      photos=[photo_record(done), photo_record(photo)]))
    assert pushed.status_code == 200
    assert pushed.get_json()["results"][0]["missing_blobs"] == [digest]
    changes, _ = s3_phone.pull_all()
    assert changes
    refused = upload(s3_phone, photo, start=cut)
    assert len(refused) == 1
    assert refused[0].status_code == 503
    assert refused[0].headers["Retry-After"].isdigit()
    assert refused[0].get_json()["error"]["code"] == "store_unavailable"
    for answer in (s3_phone.head(f"/blobs/{digest}"),
                   s3_phone.post("/blobs/check", json={"blobs": [
                       {"sha256": digest, "size": len(photo)}]}),
                   s3_phone.get(f"/blobs/{sha(done)}")):
        assert answer.status_code == 503 and "Retry-After" in answer.headers
        if answer.data:  # a HEAD answer has no body
            assert answer.get_json()["error"]["code"] == "store_unavailable"
    supervisor = s3_app.test_client()
    login(supervisor, "supervisor1")
    page = supervisor.get(f"/review/blobs/{sha(done)}/thumb")
    assert page.status_code == 503 and "Retry-After" in page.headers
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"database": "ok", "blob_store": "down"}

    s3_outage_server.restart()
    assert client.get("/healthz").status_code == 200
    head = s3_phone.head(f"/blobs/{digest}")
    assert head.headers["Upload-Offset"] == str(cut)  # nothing lost, nothing half-stored
    assert f"complete/{digest[:2]}/{digest}" not in bucket_keys(s3_app)
    rest = upload(s3_phone, photo, start=cut)
    assert rest[-1].status_code == 201
    assert len(rest) == -(-(len(photo) - cut) // CHUNK)  # nothing re-sent
    assert s3_phone.get(f"/blobs/{digest}").data == photo
    assert not [key for key in bucket_keys(s3_app) if key.startswith("partial/")]


def test_the_store_down_when_the_last_chunk_arrives(s3_app, s3_phone, s3_outage_server):
    """The last chunk cannot be stored: 503, and the photo is not complete; sent again
    later it completes, with every byte."""
    photo = big_jpeg(seed=13)
    digest, last = sha(photo), (len(photo) - 1) // CHUNK * CHUNK
    upload(s3_phone, photo, stop=last)
    s3_outage_server.stop()
    assert upload(s3_phone, photo, start=last)[-1].status_code == 503
    s3_outage_server.restart()
    assert s3_app.extensions["blobstore"].exists(digest) is False
    assert upload(s3_phone, photo, start=last)[-1].status_code == 201
    with s3_app.extensions["blobstore"].open(digest) as stored:
        assert stored.read() == photo


def test_the_last_chunk_stored_but_the_photo_not_published(s3_app, s3_phone):
    """The store went away between storing the last chunk and publishing: the phone's
    retry learns that every byte is there, and an empty chunk at the end publishes."""
    photo = big_jpeg(seed=15)
    digest, last = sha(photo), (len(photo) - 1) // CHUNK * CHUNK
    upload(s3_phone, photo, stop=last)
    s3_app.extensions["blobstore"].append(digest, last, io.BytesIO(photo[last:]), CHUNK)
    retried = upload(s3_phone, photo, start=last)
    assert retried[-1].status_code == 409
    assert retried[-1].headers["Upload-Offset"] == str(len(photo))
    done = s3_phone.patch(f"/blobs/{digest}", data=b"", headers={
        "Upload-Offset": str(len(photo)), "Upload-Length": str(len(photo)),
        "Content-Type": "application/offset+octet-stream"})
    assert done.status_code == 201
    assert s3_phone.head(f"/blobs/{digest}").headers["Upload-Offset"] == str(len(photo))
    with s3_app.extensions["blobstore"].open(digest) as stored:
        assert stored.read() == photo
