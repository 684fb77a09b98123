"""The photo work after the 201: durable jobs, claimed once, derivatives on demand."""
import hashlib
import io
import threading

import pytest
from PIL import Image

from server.extensions import db
from server.models import Blob, Inspection, PhotoJob, utcnow
from server.photos import jobs
from server.photos.setup import blobstore
from tests.support.bundles import make_bundle, post_bundle
from tests.support.factories import (big_jpeg, inspection, jpeg_bytes, photo_record, upload,
                                     uploaded)
from tests.support.photos import run_pending_jobs


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def broken_in_the_middle(data: bytes) -> bytes:
    """A JPEG whose header and ending are sound but whose scan holds a second frame
    header: it passes the upload's checks and fails the full decode."""
    middle = len(data) // 2
    return data[:middle] + bytes.fromhex("ffc00011080320025803012200021101031101") + data[middle:]


def job(app, digest: str) -> PhotoJob:
    with app.app_context():
        found = db.session.get(PhotoJob, digest)
        db.session.expunge_all()
        return found


def blob(app, digest: str) -> Blob:
    with app.app_context():
        found = db.session.get(Blob, digest)
        db.session.expunge_all()
        return found


def push_with(phone, ref, data: bytes, group=None) -> dict:
    payload = inspection(ref["round"]["id"], group or ref["assigned"][0],
                         deductions={"collection": {"bins": 1}}, photos=[photo_record(data)])
    assert phone.push(payload).get_json()["results"][0]["outcome"] == "applied"
    return payload


def photo_flags(app, payload: dict) -> list:
    with app.app_context():
        return db.session.get(Inspection, payload["id"]).photos[0].flags


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (21.0, 57.0, 36.0), 3: "E", 4: (100.0, 27.0, 0.0)})
    return exif


def test_the_201_decodes_nothing_and_the_job_fills_in_the_rest(app, phone):
    photo = uploaded(phone, big_jpeg(1200, 800, exif=gps_exif(), seed=31))
    stored = blob(app, sha(photo))
    assert (stored.mime, stored.width, stored.height) == ("image/jpeg", 1200, 800)
    assert stored.phash is None and stored.exif_gps is None
    with app.app_context():
        assert not blobstore().has_variant(sha(photo), "display")
    assert job(app, sha(photo)).state == "pending"

    assert run_pending_jobs(app) == 1
    stored = blob(app, sha(photo))
    assert stored.phash and stored.exif_gps == {"lat": 21.96, "lon": 100.45}
    with app.app_context():
        assert all(blobstore().has_variant(sha(photo), v) for v in ("display", "thumb"))
    assert job(app, sha(photo)).state == "done"
    assert run_pending_jobs(app) == 0


def test_a_photo_broken_in_the_middle_gets_201_then_is_flagged_unreadable(app, phone, ref):
    photo = broken_in_the_middle(big_jpeg(800, 600, seed=32))
    assert upload(phone, photo)[-1].status_code == 201
    payload = push_with(phone, ref, photo)
    assert "unreadable" not in photo_flags(app, payload)

    assert run_pending_jobs(app) == 1
    assert "unreadable" in photo_flags(app, payload)
    assert blob(app, sha(photo)).unreadable
    failed = job(app, sha(photo))
    assert (failed.state, failed.attempts) == ("failed", 1)
    assert run_pending_jobs(app) == 0  # never tried again
    # The original is kept (the bytes are the phone's own); derivatives cannot be made.
    assert phone.get(f"/blobs/{sha(photo)}").data == photo
    thumb = phone.get(f"/blobs/{sha(photo)}?variant=thumb")
    assert thumb.status_code == 404 and thumb.get_json()["error"]["code"] == "not_found"


def test_a_photo_pushed_after_its_job_failed_is_flagged_at_once(app, phone, ref):
    photo = broken_in_the_middle(big_jpeg(640, 480, seed=33))
    upload(phone, photo)
    run_pending_jobs(app)
    assert "unreadable" in photo_flags(app, push_with(phone, ref, photo))


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 90, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("name,make", [
    ("jpeg without its end-of-image marker", lambda: big_jpeg(800, 600, seed=34)[:-2]),
    ("png without IEND", lambda: png_bytes()[:-12]),
])
def test_a_file_that_does_not_end_is_refused(phone, name, make):
    data = make()
    response = upload(phone, data)[-1]
    assert response.status_code == 415, name
    assert response.get_json()["error"]["code"] == "unsupported_media"
    assert phone.head(f"/blobs/{sha(data)}").status_code == 404


def test_a_derivative_asked_for_early_is_made_and_stored(app, phone, ref, web):
    photo = uploaded(phone, big_jpeg(2000, 1500, seed=35))
    push_with(phone, ref, photo)
    thumb = phone.get(f"/blobs/{sha(photo)}?variant=thumb")
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.data)).size) == 320
    with app.app_context():
        assert blobstore().has_variant(sha(photo), "thumb")
    page = web.get(f"/review/blobs/{sha(photo)}/display")
    assert page.status_code == 200 and max(Image.open(io.BytesIO(page.data)).size) == 1600
    run_pending_jobs(app)
    assert blob(app, sha(photo)).phash  # the job still reads what the derivatives don't


def test_near_duplicates_are_flagged_once_the_hashes_are_known(app, phone, ref):
    first = uploaded(phone, big_jpeg(800, 600, seed=36))
    again = Image.open(io.BytesIO(first))
    out = io.BytesIO()
    again.save(out, "JPEG", quality=60)  # other bytes, the same picture
    second = uploaded(phone, out.getvalue())
    pushed = [push_with(phone, ref, first, group=ref["groups"][0]),
              push_with(phone, ref, second, group=ref["groups"][1])]
    assert not any("near_duplicate" in photo_flags(app, p) for p in pushed)
    run_pending_jobs(app)
    # The later job's photo meets the earlier one's hash (as a later push would).
    assert "near_duplicate" in photo_flags(app, pushed[1])


def pending(app, n: int, seed: int) -> set:
    with app.app_context():
        shas = set()
        for k in range(n):
            data = jpeg_bytes(seed=seed + k)
            shas.add(sha(data))
            db.session.add(PhotoJob(sha256=sha(data)))
        db.session.commit()
    return shas


def test_an_expired_claim_is_taken_again_and_only_its_new_holder_finishes(app, phone):
    photo = uploaded(phone, big_jpeg(640, 480, seed=37))
    with app.app_context():
        assert jobs.claim("crashed") == (sha(photo), 1)
        assert jobs.claim("other") is None  # held: its lease has not run out
        # The lease runs out (the claimant died mid-photo).
        db.session.get(PhotoJob, sha(photo)).run_after = utcnow()
        db.session.commit()
        assert jobs.run_one("other") == sha(photo)
        jobs.finish(sha(photo), "crashed", "failed", "came back too late")  # ignored
    done = job(app, sha(photo))
    assert (done.state, done.attempts) == ("done", 2)
    assert blob(app, sha(photo)).phash


def test_a_photo_that_stopped_its_worker_every_time_is_given_up(app, phone):
    photo = uploaded(phone, big_jpeg(640, 480, seed=38))
    with app.app_context():
        db.session.get(PhotoJob, sha(photo)).attempts = jobs.MAX_ATTEMPTS
        db.session.commit()
    assert run_pending_jobs(app) == 1
    assert job(app, sha(photo)).state == "failed" and blob(app, sha(photo)).unreadable


def test_two_workers_racing_claim_each_job_once(app):
    shas = pending(app, 12, seed=400)
    claims, barrier = {"a": [], "b": []}, threading.Barrier(2)

    def claim_all(name):
        with app.app_context():
            barrier.wait()
            while (claimed := jobs.claim(name)) is not None:
                claims[name].append(claimed[0])
            db.session.remove()

    threads = [threading.Thread(target=claim_all, args=(name,)) for name in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims["a"] + claims["b"]) == sorted(shas)


def test_a_job_locked_by_another_worker_is_skipped_on_postgresql(app, database_url):
    if database_url is None:
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time")
    shas = pending(app, 2, seed=500)
    with app.app_context():
        other = db.engine.connect()
        held = other.execute(db.select(PhotoJob.sha256).order_by(PhotoJob.run_after)
                             .limit(1).with_for_update()).scalar()
        try:
            claimed = jobs.claim("mine")
        finally:
            other.rollback()
            other.close()
    assert claimed is not None and claimed[0] == (shas - {held}).pop()


def test_bundle_import_still_gives_variants(app, phone, ref):
    photos = [jpeg_bytes(seed=600 + n) for n in range(2)]
    items = [inspection(ref["round"]["id"], ref["assigned"][0],
                        deductions={"collection": {"bins": 1}}, photos=[photo_record(data)])
             for data in photos]
    assert post_bundle(phone, make_bundle(phone.client_id, items, photos)).status_code == 200
    assert run_pending_jobs(app) == 2
    with app.app_context():
        assert all(blobstore().has_variant(sha(p), v) for p in photos for v in ("display", "thumb"))


def test_flask_worker_once_does_the_pending_work(app, phone):
    photo = uploaded(phone, jpeg_bytes(seed=39))
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "photos done: 1" in result.output
    assert job(app, sha(photo)).state == "done"
