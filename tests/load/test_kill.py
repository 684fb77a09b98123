"""The server process killed (SIGKILL) during a push and during an upload; the
client then finishes its sync, with nothing lost and nothing stored twice.

The worker stops at the moment the kill is meant for and says so (tests/support/
paused_worker.py), so each kill lands there, and the test checks that it did: the request
never answered and its work was not all done when the process died."""
import hashlib
import http.client
import json
import re

import pytest

from tests.support.factories import big_jpeg, inspection, jpeg_bytes, photo_record
from tests.support.httpclient import Phone, half_a_chunk, reference, upload_headers
from tests.support.liveserver import ServerProcess
from tests.support.paused_worker import PausePoint, pause_env

NO_ANSWER = (http.client.HTTPException, ConnectionError)


@pytest.fixture
def pause():
    point = PausePoint()
    yield point
    point.close()


@pytest.fixture
def server(tmp_path, pause, bare_sqlite_url):
    process = ServerProcess(tmp_path, bare_sqlite_url, env=pause_env(pause.port)).start()
    yield process
    process.stop()


def server_state(server):
    """What the server holds, read from the database through a reviewer's pull."""
    supervisor = Phone(server.url, "supervisor1")
    changes = supervisor.pull_all()
    return {c["id"]: c["data"] for c in changes if c["type"] == "inspection"}


def test_killed_during_a_push_then_the_client_retries(server, pause):
    phone = Phone(server.url, "inspector1")
    round_id, groups = reference(phone)
    photos = [jpeg_bytes(seed=n) for n in range(200)]
    batch = [inspection(round_id, groups[n % len(groups)],
                        deductions={"households": {"clutter": 1 + n % 3}},
                        photos=[photo_record(photos[n])]) for n in range(200)]
    ids = {b["id"] for b in batch}
    body = json.dumps({"client_id": phone.client_id, "inspections": batch}).encode()
    conn = phone.connection()
    conn.request("POST", "/api/v1/sync/push", body=body,
                 headers=phone.headers({"Content-Type": "application/json"}))
    assert pause.wait() == "push: inspections written, not committed"
    server.kill()
    with pytest.raises(NO_ANSWER):
        conn.getresponse()                                   # the push never answered
    conn.close()
    server.start()
    before_retry = set(server_state(server))
    assert before_retry < ids                                # it died with work left
    response, result = phone.push(batch)
    assert response.status == 200
    outcomes = {r["outcome"] for r in result["results"]}
    assert outcomes <= {"applied", "duplicate"}
    held = server_state(server)
    assert set(held) == ids
    assert all(held[b["id"]]["version"] == 1 for b in batch)  # applied exactly once
    again = phone.push(batch)[1]
    assert {r["outcome"] for r in again["results"]} == {"duplicate"}


def test_killed_during_an_upload_then_the_client_resumes(server, pause):
    phone = Phone(server.url, "inspector1")
    photo = big_jpeg(2400, 1800, seed=99)
    sha = hashlib.sha256(photo).hexdigest()
    chunk = 1024 * 1024
    # first chunk completes
    response, _ = phone.request("PATCH", f"/api/v1/blobs/{sha}", raw=photo[:chunk],
                                headers=upload_headers(0, len(photo)))
    assert response.status == 204
    # the second chunk is half sent when the server dies, once the app has taken that half
    half = len(photo[chunk:2 * chunk]) // 2
    conn = half_a_chunk(phone, photo, chunk, chunk, {"Pause-After-Bytes": str(half)})
    taken = int(re.fullmatch(r"upload: the app has taken (\d+) bytes of the body",
                             pause.wait()).group(1))
    server.kill()
    with pytest.raises(NO_ANSWER):
        conn.getresponse()                                   # the chunk never answered
    conn.close()
    server.start()
    assert phone.offset(sha) == chunk + taken < 2 * chunk    # every byte it took is kept
    assert phone.upload(photo) == 201
    response, _ = phone.request("HEAD", f"/api/v1/blobs/{sha}")
    assert response.getheader("Upload-Offset") == str(len(photo))
    round_id, groups = reference(phone)
    phone.push([inspection(round_id, groups[0], deductions={"collection": {"bins": 1}},
                           photos=[photo_record(photo)])])
    response, original = phone.request("GET", f"/api/v1/blobs/{sha}")
    assert response.status == 200 and hashlib.sha256(original).hexdigest() == sha
