"""Turning verified bytes into a published blob: checks, derivatives, metadata row.

The blob store's files are the truth: a blob published just before the process died
gets its metadata row the next time anyone asks about it (ensure_blob_row).
"""
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import IntegrityError

from .store import BlobStore, HashMismatch, StoreUnavailable
from ..phones.evidence import refresh_flags_for_blob
from ..extensions import db
from .images import ImageInfo, inspect_image, make_variants
from ..models import Blob, BlobUpload, BlobUploader


def blobstore() -> BlobStore:
    return current_app.extensions["blobstore"]


def _blob_row(sha: str, size: int, info: ImageInfo) -> Blob:
    return Blob(sha256=sha, size=size, mime=info.mime, width=info.width, height=info.height,
                exif_captured_at=info.captured_at, exif_gps=info.gps, phash=info.phash)


def publish_partial(sha: str) -> Blob:
    """The upload is complete: verify hash and image, publish, record. Raises
    HashMismatch or images.ImageRejected (the partial is discarded either way)."""
    store = blobstore()
    try:
        actual = store.hash_partial(sha)
        if actual != sha:
            raise HashMismatch(sha, actual)
        with local_copy(store.open_partial(sha)) as path:
            info = inspect_image(path)
            variants = make_variants(path)
            size = path.stat().st_size
    except StoreUnavailable:
        raise  # the bytes are still there when the store is back: keep the upload
    except Exception:
        store.discard_partial(sha)
        db.session.execute(db.delete(BlobUpload).where(BlobUpload.sha256 == sha))
        # Commits here, not in the caller: the caller answers with an error, and the
        # discarded upload's row must go with its bytes.
        db.session.commit()
        raise
    # Hashed just above; a partial that holds all of Upload-Length takes no more bytes,
    # so hashing it again inside publish would only double the CPU of every upload.
    store.publish(sha, variants, verify=False)
    return record_blob(sha, size, info)


def put_verified_file(sha: str, path: Path) -> Blob:
    """Bundle import: a whole file already on disk whose hash the caller checked."""
    info = inspect_image(path)
    variants = make_variants(path)
    blobstore().put_complete(sha, path, variants)
    return record_blob(sha, path.stat().st_size, info)


def record_blob(sha: str, size: int, info: ImageInfo) -> Blob:
    if db.session.get(Blob, sha) is None:
        # Two phones may finish uploading the same photo at the same moment.
        insert_unless_present(_blob_row(sha, size, info))
    db.session.execute(db.delete(BlobUpload).where(BlobUpload.sha256 == sha))
    db.session.flush()
    refresh_flags_for_blob(sha)
    return db.session.get(Blob, sha)


def record_uploader(sha: str, user_id: int) -> None:
    """`user_id` has sent these bytes (all of them, their hash checked)."""
    if db.session.get(BlobUploader, (sha, user_id)) is None:
        insert_unless_present(BlobUploader(sha256=sha, user_id=user_id))


def insert_unless_present(row) -> None:
    """Adds a row keyed by content; if another request added it first, keeps theirs."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        pass  # the savepoint's rollback dropped our row; theirs is the same content


def ensure_blob_row(sha: str) -> bool:
    """True if the blob is complete, repairing a missing metadata row on the way.
    Commits the repair itself: it is true whatever the caller then decides."""
    if db.session.get(Blob, sha) is not None:
        return True
    store = blobstore()
    if not store.exists(sha):
        return False
    with local_copy(store.open(sha)) as tmp:
        record_blob(sha, tmp.stat().st_size, inspect_image(tmp))
    db.session.commit()
    return True


@contextmanager
def local_copy(source):
    """The bytes of an open store file in a temporary file of the instance folder
    (image checks take a path; the store may be a bucket)."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    with source, tempfile.NamedTemporaryFile(
            dir=current_app.instance_path, prefix="photo-", delete=False) as copy:
        shutil.copyfileobj(source, copy)
    tmp = Path(copy.name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)
