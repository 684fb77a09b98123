"""A photo's work after its upload, done in the background and kept in the database.

Each photo has one `photo_jobs` row, written with its blob row. A worker claims a
pending job whose `run_after` has passed and pushes `run_after` one lease ahead, so
a claim whose process died (crash, SIGKILL, a machine gone) is simply taken again once
its lease ran out: nothing is lost, and a job is only finished by whoever holds it.
Several workers, in several processes or on several machines, never take one job at
once: on PostgreSQL the claim is ``SELECT ... FOR UPDATE SKIP LOCKED`` (as ODK Central
queues its uploads), on SQLite an ``UPDATE ... WHERE state = 'pending'`` that only one
writer at a time can make.

The work itself (full decode, derivatives, EXIF, perceptual hash) runs with no
database transaction open; only the claim and the result are short transactions.
A photo that does not decode is flagged `unreadable` and its job fails at once; one
that keeps killing its worker fails after MAX_ATTEMPTS claims.
"""
import logging
import os
import socket
import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import bindparam, text

from sync.flags import UNREADABLE

from ..extensions import db
from ..models import Blob, PhotoJob, utcnow
from ..models.types import UTCDateTime
from ..phones.evidence import refresh_flags_for_blob
from .images import VARIANT_SIZES, ImageRejected, inspect_image, make_variants
from .setup import blobstore, local_copy

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=5)  # far longer than the decode of the largest accepted photo
RETRY_AFTER = timedelta(seconds=30)  # after a passing failure (store down, disk full)
IDLE_POLL_S = 2.0

_SQLITE_CLAIM = text(
    "UPDATE photo_jobs SET claimed_by = :worker, claimed_at = :now, run_after = :lease_end,"
    " attempts = attempts + 1"
    " WHERE sha256 = (SELECT sha256 FROM photo_jobs WHERE state = 'pending'"
    " AND run_after <= :now ORDER BY run_after LIMIT 1)"
    " AND state = 'pending' AND run_after <= :now"
    " RETURNING sha256, attempts"
).bindparams(bindparam("now", type_=UTCDateTime), bindparam("lease_end", type_=UTCDateTime))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def claim(worker: str) -> tuple[str, int] | None:
    """(sha256, attempts so far) of a job now this worker's, committed; None if none."""
    now = utcnow()
    bind = {"worker": worker, "now": now, "lease_end": now + LEASE}
    if db.engine.dialect.name == "postgresql":
        sha = db.session.execute(
            db.select(PhotoJob.sha256)
            .where(PhotoJob.state == "pending", PhotoJob.run_after <= now)
            .order_by(PhotoJob.run_after).limit(1)
            .with_for_update(skip_locked=True)).scalar()
        row = None
        if sha is not None:
            row = db.session.execute(
                db.update(PhotoJob).where(PhotoJob.sha256 == sha)
                .values(claimed_by=worker, claimed_at=now, run_after=bind["lease_end"],
                        attempts=PhotoJob.attempts + 1)
                .returning(PhotoJob.sha256, PhotoJob.attempts)).first()
    else:
        column = PhotoJob.__table__.c
        row = db.session.execute(_SQLITE_CLAIM.bindparams(
            **bind).columns(column.sha256, column.attempts)).first()
    db.session.commit()
    return (row[0], row[1]) if row else None


def run_one(worker: str | None = None) -> str | None:
    """Claims and does one job; its sha256, or None when nothing is due."""
    worker = worker or worker_name()
    claimed = claim(worker)
    if claimed is None:
        return None
    sha, attempts = claimed
    if attempts > MAX_ATTEMPTS:  # its earlier claims never came back
        give_up(sha, worker, "the work on this photo stopped its worker every time")
        return sha
    try:
        with local_copy(sha) as path:
            info = inspect_image(path)
            store = blobstore()
            if not all(store.has_variant(sha, name) for name in VARIANT_SIZES):
                store.put_variants(sha, make_variants(path))
    except ImageRejected as exc:
        give_up(sha, worker, exc.message)
    except FileNotFoundError:
        finish(sha, worker, "failed", "the photo is no longer stored")
    except Exception as exc:  # a passing failure: the store or the disk; try again later
        log.warning("photo %s: %r; trying again later", sha, exc)
        db.session.rollback()
        later(sha, worker, repr(exc))
    else:
        blob = db.session.get(Blob, sha)
        if blob is not None:
            blob.exif_captured_at, blob.exif_gps, blob.phash = (
                info.captured_at, info.gps, info.phash)
        finish(sha, worker, "done")
    return sha


def mine(sha: str, worker: str):
    """The job's row if this worker's claim still holds (a claim retaken after its lease
    ran out is the new holder's to finish), locked for the update."""
    return db.session.execute(db.select(PhotoJob).where(
        PhotoJob.sha256 == sha, PhotoJob.claimed_by == worker,
        PhotoJob.state == "pending").with_for_update()).scalar_one_or_none()


def finish(sha: str, worker: str, state: str, error: str | None = None) -> None:
    job = mine(sha, worker)
    if job is None:
        db.session.rollback()
        return
    job.state, job.error, job.claimed_by = state, error and error[:300], None
    refresh_flags_for_blob(sha)  # the perceptual hash (or unreadable) may change flags
    db.session.commit()


def give_up(sha: str, worker: str, reason: str) -> None:
    """The photo does not decode: flagged for the supervisor, never tried again."""
    blob = db.session.get(Blob, sha)
    if blob is not None:
        blob.unreadable = True
    log.info("photo %s is %s: %s", sha, UNREADABLE, reason)
    finish(sha, worker, "failed", reason)


def later(sha: str, worker: str, error: str) -> None:
    job = mine(sha, worker)
    if job is not None:
        job.run_after, job.error, job.claimed_by = utcnow() + RETRY_AFTER, error[:300], None
    db.session.commit()


def run_pending(app: Flask, worker: str | None = None) -> int:
    """Does every job that is due now, one after the other; how many."""
    done = 0
    with app.app_context():
        while run_one(worker) is not None:
            done += 1
        db.session.remove()
    return done


def work(app: Flask, stop: threading.Event, poll_s: float = IDLE_POLL_S) -> None:
    """Does jobs until `stop` is set, waiting `poll_s` whenever none is due."""
    worker = worker_name()
    while not stop.is_set():
        try:
            if run_pending(app, worker):
                continue
        except Exception:  # the database restarting, say: keep the worker alive
            log.exception("photo worker")
        stop.wait(poll_s)


def start_inline_worker(app: Flask) -> threading.Thread:
    """The worker as a daemon thread of a serving process (PHOTO_WORKER=inline)."""
    thread = threading.Thread(target=work, args=(app, threading.Event()),
                              name="photo-worker", daemon=True)
    thread.start()
    return thread
