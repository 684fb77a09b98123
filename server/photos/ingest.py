"""Turning verified bytes into a published blob: the cheap checks, the metadata row and
the photo's queued work (server/photos/jobs.py decodes it later).

The blob store's files are the truth: a blob published just before the process died
gets its metadata row the next time anyone asks about it (ensure_blob_row).
"""
import shutil
import tempfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .store import BlobStore, HashMismatch
from ..extensions import db
from .images import ImageHeader, ImageRejected, make_variants, read_header
from ..models import Blob, BlobUpload, BlobUploader, PhotoJob


def blobstore() -> BlobStore:
    return current_app.extensions["blobstore"]


def publish_partial(sha: str) -> None:
    """The upload is complete: hash, header and ending checked, published, recorded.
    Raises HashMismatch or images.ImageRejected (the partial is discarded either way).

    Nothing here decodes the picture, and the caller holds no database transaction
    while the bytes are hashed: the write lies in record_blob's short transaction."""
    store = blobstore()
    try:
        actual = store.hash_partial(sha)
        if actual != sha:
            raise HashMismatch(sha, actual)
        size = store.partial_offset(sha)
        with store.open_partial(sha) as stream:
            header = read_header(stream, size)
    except (HashMismatch, ImageRejected):
        store.discard_partial(sha)
        forget_upload(sha)
        # Commits here, not in the caller: the caller answers with an error, and the
        # discarded upload's row must go with its bytes.
        db.session.commit()
        raise
    # Hashed just above; a partial that holds all of Upload-Length takes no more bytes,
    # so hashing it again inside publish would only double the CPU of every upload.
    store.publish(sha, {}, verify=False)
    record_blob(sha, size, header)


def put_verified_file(sha: str, path: Path) -> None:
    """Bundle import: a whole file already on disk whose hash the caller checked."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        header = read_header(stream, size)
    blobstore().put_complete(sha, path, {})
    record_blob(sha, size, header)


def record_blob(sha: str, size: int, header: ImageHeader) -> None:
    """The blob's row from its header, and its photo work queued (in the caller's
    transaction: the job exists exactly when the row does)."""
    # Two phones may finish uploading the same photo at the same moment.
    insert_unless_present(Blob, sha256=sha, size=size, mime=header.mime,
                          width=header.width, height=header.height)
    insert_unless_present(PhotoJob, sha256=sha)
    forget_upload(sha)


def record_uploader(sha: str, user_id: int) -> None:
    """`user_id` has sent these bytes (all of them, their hash checked)."""
    insert_unless_present(BlobUploader, sha256=sha, user_id=user_id)


# The statements of the upload path are SQLAlchemy Core on the session's connection,
# in its transaction: every chunk runs them, and the ORM's bookkeeping would cost
# more than the statements themselves (targets P8).

class UploadState(NamedTuple):
    size: int | None  # the complete blob's size; None while it is not complete
    length: int | None  # the total length its upload's first chunk announced


_UPLOAD_STATE = select(
    select(Blob.size).where(Blob.sha256 == bindparam("sha")).scalar_subquery(),
    select(BlobUpload.length).where(BlobUpload.sha256 == bindparam("sha")).scalar_subquery(),
)


def upload_state(sha: str) -> UploadState:
    """Where the blob stands, in one query; a missing metadata row is repaired."""
    state = UploadState(*db.session.connection().execute(_UPLOAD_STATE, {"sha": sha}).one())
    if state.size is None and repair_blob_row(sha):
        return upload_state(sha)
    return state


def announce_length(sha: str, length: int) -> None:
    """The total length of the upload, as its first chunk says (or a restart from 0)."""
    table = BlobUpload.__table__
    db.session.connection().execute(
        update(table).where(table.c.sha256 == sha).values(length=length))
    insert_unless_present(BlobUpload, sha256=sha, length=length)


def forget_upload(sha: str) -> None:
    table = BlobUpload.__table__
    db.session.connection().execute(delete(table).where(table.c.sha256 == sha))


def insert_unless_present(model, **values) -> None:
    """Adds a row keyed by content; if another request added it first, keeps theirs
    (the same content)."""
    db.session.connection().execute(
        _insert_or_nothing(db.engine.dialect.name, model.__table__), values)


@cache
def _insert_or_nothing(dialect: str, table):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


def ensure_blob_row(sha: str) -> bool:
    """True if the blob is complete, repairing a missing metadata row on the way."""
    found = db.session.connection().execute(_BLOB_EXISTS, {"sha": sha}).first()
    return found is not None or repair_blob_row(sha)


_BLOB_EXISTS = select(Blob.sha256).where(Blob.sha256 == bindparam("sha"))


def repair_blob_row(sha: str) -> bool:
    """For a blob without its metadata row: True, and the row written, if the store
    holds it complete (its process died between publishing and the row). Commits the
    repair itself: it is true whatever the caller then decides."""
    store = blobstore()
    if not store.exists(sha):
        return False
    db.session.commit()  # no transaction (on SQLite: no write lock) while reading the store
    size = store.size(sha)
    with store.open(sha) as stream:
        header = read_header(stream, size)
    record_blob(sha, size, header)
    db.session.commit()
    return True


@contextmanager
def local_copy(sha: str):
    """The complete blob as a file on this machine (the store may be remote), removed
    afterwards."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    with blobstore().open(sha) as original, tempfile.NamedTemporaryFile(
            dir=current_app.instance_path, prefix="photo-", delete=False) as copy:
        shutil.copyfileobj(original, copy)
    path = Path(copy.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def open_variant(sha: str, variant: str):
    """A stored derivative for reading, made now (and stored) if the photo's work has
    not reached it yet. Raises images.ImageRejected when the photo does not decode.
    The caller must hold no database transaction: this decodes."""
    store = blobstore()
    if variant != "original" and not store.has_variant(sha, variant):
        unreadable = db.session.get(Blob, sha).unreadable
        db.session.commit()
        if unreadable:  # its photo work found that it does not decode: don't try again
            raise ImageRejected("the photo does not decode")
        with local_copy(sha) as path:
            store.put_variants(sha, make_variants(path))
    return store.open(sha, variant)
