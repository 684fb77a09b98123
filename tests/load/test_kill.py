"""The server process killed (SIGKILL) during a push and during an upload; the
client then finishes its sync, with nothing lost and nothing stored twice."""
import hashlib
import json
import time

import pytest

from tests.support.factories import big_jpeg, inspection, jpeg_bytes, photo_record
from tests.support.httpclient import Phone, reference, upload_headers
from tests.support.liveserver import ServerProcess


@pytest.fixture
def server(tmp_path):
    process = ServerProcess(tmp_path).prepare().start()
    yield process
    process.stop()


def server_state(server):
    """What the server holds, read from the database through a reviewer's pull."""
    supervisor = Phone(server.url, "supervisor1")
    changes = supervisor.pull_all()
    return {c["id"]: c["data"] for c in changes if c["type"] == "inspection"}


def test_killed_during_a_push_then_the_client_retries(server):
    phone = Phone(server.url, "inspector1")
    round_id, groups = reference(phone)
    photos = [jpeg_bytes(seed=n) for n in range(200)]
    batch = [inspection(round_id, groups[n % len(groups)],
                        deductions={"households": {"clutter": 1 + n % 3}},
                        photos=[photo_record(photos[n])]) for n in range(200)]
    body = json.dumps({"client_id": phone.client_id, "inspections": batch}).encode()
    conn = phone.connection()
    conn.request("POST", "/api/v1/sync/push", body=body,
                 headers=phone.headers({"Content-Type": "application/json"}))
    time.sleep(0.15)  # the server is inside the push now
    server.kill()
    conn.close()
    server.start()
    response, result = phone.push(batch)
    assert response.status == 200
    outcomes = {r["outcome"] for r in result["results"]}
    assert outcomes <= {"applied", "duplicate"}
    held = server_state(server)
    assert set(held) == {b["id"] for b in batch}
    assert all(held[b["id"]]["version"] == 1 for b in batch)  # applied exactly once
    again = phone.push(batch)[1]
    assert {r["outcome"] for r in again["results"]} == {"duplicate"}


def test_killed_during_an_upload_then_the_client_resumes(server):
    phone = Phone(server.url, "inspector1")
    photo = big_jpeg(2400, 1800, seed=99)
    sha = hashlib.sha256(photo).hexdigest()
    chunk = 1024 * 1024
    # first chunk completes
    response, _ = phone.request("PATCH", f"/api/v1/blobs/{sha}", raw=photo[:chunk],
                                headers=upload_headers(0, len(photo)))
    assert response.status == 204
    # the second chunk is half sent when the server dies
    conn = phone.connection()
    conn.putrequest("PATCH", f"/api/v1/blobs/{sha}")
    second = photo[chunk:2 * chunk]
    for name, value in {**phone.headers(), **upload_headers(chunk, len(photo)),
                        "Content-Length": str(len(second))}.items():
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(second[:len(second) // 2])
    time.sleep(0.3)
    server.kill()
    conn.close()
    server.start()
    kept = phone.offset(sha)
    assert chunk <= kept <= chunk + len(second) // 2  # every byte that was written is kept
    assert phone.upload(photo) == 201
    response, _ = phone.request("HEAD", f"/api/v1/blobs/{sha}")
    assert response.getheader("Upload-Offset") == str(len(photo))
    round_id, groups = reference(phone)
    phone.push([inspection(round_id, groups[0], deductions={"collection": {"bins": 1}},
                           photos=[photo_record(photo)])])
    response, original = phone.request("GET", f"/api/v1/blobs/{sha}")
    assert response.status == 200 and hashlib.sha256(original).hexdigest() == sha
