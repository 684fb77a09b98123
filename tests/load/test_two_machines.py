"""Two app processes, as two machines would be, on one PostgreSQL and one S3-compatible
store: a sync whose photo chunks alternate between them completes exactly once, and so
does one whose process is killed mid-photo (targets.md, P9)."""
import hashlib
import subprocess
import pytest
import sqlalchemy as sa

from tests.support.factories import big_jpeg, inspection, photo_record
from tests.support.httpclient import Phone, half_a_chunk, reference, upload_headers
from tests.support.liveserver import ROOT, VENV_BIN, ServerProcess

CHUNK = 256 * 1024


@pytest.fixture
def machines(tmp_path, bare_postgres_url, s3_server, s3_bucket):
    """Servers A and B: their own folders, the same database and bucket."""
    database_url = bare_postgres_url
    env = s3_server.environment(s3_bucket)
    a = ServerProcess(tmp_path / "a", database_url, env=env).start()
    b = ServerProcess(tmp_path / "b", database_url, env=env).start()
    yield a, b, database_url
    a.stop()
    b.stop()


def held(database_url: str) -> dict:
    """What the shared database holds of inspections and photos."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            def rows(sql):
                return [tuple(r) for r in conn.execute(sa.text(sql))]
            return {"inspections": rows("SELECT id, version FROM inspections"),
                    "blobs": rows("SELECT sha256, size FROM blobs"),
                    "jobs": rows("SELECT sha256, state, attempts FROM photo_jobs"),
                    "uploads": rows("SELECT sha256 FROM blob_uploads")}
    finally:
        engine.dispose()


def patch(phone, photo: bytes, offset: int, size: int = CHUNK):
    sha = hashlib.sha256(photo).hexdigest()
    response, _ = phone.request("PATCH", f"/api/v1/blobs/{sha}", raw=photo[offset:offset + size],
                                headers=upload_headers(offset, len(photo)))
    return response


def test_chunks_alternating_between_two_machines_complete_once(machines):
    a, b, database_url = machines
    phone_a = Phone(a.url, "inspector1")
    phone_b = phone_a.on(b.url)
    round_id, groups = reference(phone_a)
    photos = [big_jpeg(2400, 1800, seed=n) for n in range(3)]
    record = inspection(round_id, groups[0], deductions={"collection": {"bins": 1}},
                        photos=[photo_record(p) for p in photos])
    _, result = phone_a.push([record])
    shas = [hashlib.sha256(p).hexdigest() for p in photos]
    assert sorted(result["results"][0]["missing_blobs"]) == sorted(shas)

    statuses = []
    for photo in photos:
        assert len(photo) > 3 * CHUNK, "each photo takes several chunks"
        for n, offset in enumerate(range(0, len(photo), CHUNK)):
            statuses.append(patch((phone_a, phone_b)[n % 2], photo, offset).status)
    assert statuses.count(201) == 3 and set(statuses) == {204, 201}

    # both machines see every photo whole, and either serves its bytes
    for photo, sha in zip(photos, shas):
        for phone in (phone_a, phone_b):
            response, _ = phone.request("HEAD", f"/api/v1/blobs/{sha}")
            assert response.getheader("Upload-Offset") == str(len(photo))
        response, original = phone_b.request("GET", f"/api/v1/blobs/{sha}")
        assert response.status == 200 and original == photo

    # a photo worker on each machine at once: every photo's work is done once
    workers = [subprocess.Popen([str(VENV_BIN / "flask"), "--app", "server", "worker", "--once"],
                                cwd=ROOT, env=machine.env, stdout=subprocess.PIPE, text=True)
               for machine in (a, b)]
    done = [int(w.communicate(timeout=300)[0].rsplit(":", 1)[1]) for w in workers]
    assert sum(done) == 3
    state = held(database_url)
    assert len(state["inspections"]) == 1 and state["inspections"][0][1] == 1
    assert sorted(state["blobs"]) == sorted((sha, len(p)) for sha, p in zip(shas, photos))
    assert state["uploads"] == []
    assert sorted(state["jobs"]) == [(sha, "done", 1) for sha in sorted(shas)]
    response, display = phone_a.request("GET", f"/api/v1/blobs/{shas[0]}?variant=display")
    assert response.status == 200 and display[:2] == b"\xff\xd8"
    _, again = phone_b.push([record])
    assert again["results"][0]["outcome"] == "duplicate"
    assert again["results"][0]["missing_blobs"] == []


def test_a_machine_killed_mid_photo_leaves_the_other_to_finish(machines):
    a, b, database_url = machines
    phone_a = Phone(a.url, "inspector1")
    phone_b = phone_a.on(b.url)
    round_id, groups = reference(phone_a)
    photo = big_jpeg(2400, 1800, seed=41)
    sha = hashlib.sha256(photo).hexdigest()
    record = inspection(round_id, groups[0], deductions={"collection": {"bins": 1}},
                        photos=[photo_record(photo)])
    assert phone_a.push([record])[1]["results"][0]["missing_blobs"] == [sha]
    assert patch(phone_a, photo, 0).status == 204

    # machine A dies with the second chunk half received
    conn = half_a_chunk(phone_a, photo, CHUNK, CHUNK)
    a.kill()
    conn.close()

    # the phone goes on with machine B: its push is the same one, and the photo resumes
    # where the shared store's bytes end (a chunk is kept only whole)
    again = phone_b.push([record])[1]["results"][0]
    assert again["outcome"] == "duplicate" and again["missing_blobs"] == [sha]
    assert phone_b.offset(sha) == CHUNK
    assert phone_b.upload(photo) == 201
    response, original = phone_b.request("GET", f"/api/v1/blobs/{sha}")
    assert response.status == 200 and original == photo
    state = held(database_url)
    assert len(state["inspections"]) == 1 and state["inspections"][0][1] == 1
    assert state["blobs"] == [(sha, len(photo))] and state["uploads"] == []
