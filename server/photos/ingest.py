"""Turning verified bytes into a published blob: the cheap checks, the metadata row and
the photo's queued work (server/photos/jobs.py decodes it later).

The blob store's files are the truth: a blob published just before the process died
gets its metadata row the next time anyone asks about it (ensure_blob_row).
"""
import hashlib
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, NamedTuple

from flask import current_app

from .store import HashMismatch
from .store.contract import HASH_PIECE
from .setup import blobstore
from ..extensions import db
from .images import ImageHeader, ImageRejected, make_variants, read_header
from ..models import Blob, BlobUpload, BlobUploader, PhotoJob
from ..sql import Statement, atomic, insert_unless_present


def publish_partial(sha: str, size: int, uploader_id: int) -> None:
    """The upload of `size` bytes is complete: hash, header and ending checked,
    published, recorded with who sent it. Raises HashMismatch or images.ImageRejected
    (the partial is discarded either way).

    Nothing here decodes the picture, and the caller holds no database transaction
    while the bytes are hashed: the writes lie in one short transaction at the end."""
    store = blobstore()
    try:
        with store.open_partial(sha) as stream:
            reader = _HashingReader(stream)  # one pass over the bytes for both checks
            try:
                header, rejected = read_header(reader, size), None
            except ImageRejected as exc:
                header, rejected = None, exc
            actual = reader.hexdigest_of_all()
        if actual != sha:  # not the bytes named: say so first, whatever they are
            raise HashMismatch(sha, actual)
        if rejected:
            raise rejected
    except (HashMismatch, ImageRejected):
        store.discard_partial(sha)
        _FORGET_UPLOAD.execute(sha=sha)
        # Commits here, not in the caller: the caller answers with an error, and the
        # discarded upload's row must go with its bytes.
        db.session.commit()
        raise
    store.publish(sha)
    with atomic():
        record_blob(sha, size, header)
        record_uploader(sha, uploader_id)


class _HashingReader:
    """Reads a stream, hashing what passes. Not seekable, so that a reader skipping
    ahead reads the bytes in between too."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.digest = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        piece = self.stream.read(size)
        self.digest.update(piece)
        return piece

    def seekable(self) -> bool:
        return False

    def hexdigest_of_all(self) -> str:
        while self.read(HASH_PIECE):
            pass
        return self.digest.hexdigest()


def put_verified_file(sha: str, path: Path) -> None:
    """Bundle import: a whole file already on disk whose hash the caller checked."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        header = read_header(stream, size)
    blobstore().put_complete(sha, path)
    record_blob(sha, size, header)


def record_blob(sha: str, size: int, header: ImageHeader) -> None:
    """The blob's row from its header, and its photo work queued: the job exists
    exactly when the row does."""
    with atomic():
        # Two phones may finish uploading the same photo at the same moment.
        insert_unless_present(Blob, sha256=sha, size=size, mime=header.mime,
                              width=header.width, height=header.height)
        insert_unless_present(PhotoJob, sha256=sha)
        _FORGET_UPLOAD.execute(sha=sha)


def record_uploader(sha: str, user_id: int) -> None:
    """`user_id` has sent these bytes (all of them, their hash checked)."""
    insert_unless_present(BlobUploader, sha256=sha, user_id=user_id)


# What every chunk asks and writes is plain SQL (server/sql.py says why).

class UploadState(NamedTuple):
    size: int | None  # the complete blob's size; None while it is not complete
    length: int | None  # the total length its upload's first chunk announced


_UPLOAD_STATE = Statement("""
    SELECT (SELECT size FROM blobs WHERE sha256 = :sha),
           (SELECT length FROM blob_uploads WHERE sha256 = :sha)
""")
_BLOB_EXISTS = Statement("SELECT 1 FROM blobs WHERE sha256 = :sha")
_CHANGE_LENGTH = Statement("UPDATE blob_uploads SET length = :length WHERE sha256 = :sha")
_FORGET_UPLOAD = Statement("DELETE FROM blob_uploads WHERE sha256 = :sha")


def upload_state(sha: str) -> UploadState:
    """Where the blob stands, in one query; a missing metadata row is repaired."""
    state = UploadState(*_UPLOAD_STATE.first(sha=sha))
    if state.size is None and repair_blob_row(sha):
        return upload_state(sha)
    return state


def announce_length(sha: str, length: int, announced: int | None) -> None:
    """The total length of the upload, as its first chunk says (or a restart from 0);
    `announced`: the length said before, if any (UploadState.length)."""
    if announced is None:
        insert_unless_present(BlobUpload, sha256=sha, length=length)
    else:
        _CHANGE_LENGTH.execute(sha=sha, length=length)


def ensure_blob_row(sha: str) -> bool:
    """True if the blob is complete, repairing a missing metadata row on the way."""
    return _BLOB_EXISTS.first(sha=sha) is not None or repair_blob_row(sha)


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
