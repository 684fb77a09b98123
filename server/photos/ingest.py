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

from flask import current_app
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
        db.session.execute(db.delete(BlobUpload).where(BlobUpload.sha256 == sha))
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
    insert_unless_present(Blob(sha256=sha, size=size, mime=header.mime,
                               width=header.width, height=header.height))
    insert_unless_present(PhotoJob(sha256=sha))
    db.session.execute(db.delete(BlobUpload).where(BlobUpload.sha256 == sha))


def record_uploader(sha: str, user_id: int) -> None:
    """`user_id` has sent these bytes (all of them, their hash checked)."""
    insert_unless_present(BlobUploader(sha256=sha, user_id=user_id))


def insert_unless_present(row) -> None:
    """Adds a row keyed by content; if another request added it first, keeps theirs
    (the same content). One statement: this is on the path of every upload."""
    table = row.__table__
    values = {column.key: getattr(row, column.key) for column in table.columns
              if getattr(row, column.key) is not None}
    db.session.execute(_insert_or_nothing(db.engine.dialect.name, table), values)


@cache
def _insert_or_nothing(dialect: str, table):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


def ensure_blob_row(sha: str) -> bool:
    """True if the blob is complete, repairing a missing metadata row on the way.
    Commits the repair itself: it is true whatever the caller then decides."""
    if db.session.get(Blob, sha) is not None:
        return True
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
