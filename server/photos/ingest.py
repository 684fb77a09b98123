"""Photos up, resumable and content-addressed (tus-like): where an upload stands, each
chunk received, and the verified bytes published with their metadata row and the
photo's queued work (server/photos/jobs.py decodes it later).

The blob store's files are the truth: a blob published just before the process died
gets its metadata row the next time anyone asks about it (ensure_blob_row).

Refusals are Problems whose codes the sync contract names ("Blobs"); what the store
and the image checks refuse (codes only) becomes one here, where the upload gives it
its meaning.
"""
import hashlib
from pathlib import Path
from typing import BinaryIO, NamedTuple

from flask import current_app

from ..errors import Problem, Problems
from ..extensions import db
from ..models import Blob, BlobUpload, BlobUploader, PhotoJob
from ..sql import Statement, atomic, insert_unless_present, session_in_transaction
from .images import ImageHeader, ImageRejected, read_header
from .images.checks import HEAD_BYTES, TAIL_BYTES, header_of
from .setup import blobstore
from .store import ChunkTooLarge, OffsetMismatch
from .store.contract import HASH_PIECE


class StaleOffset(Problem):
    """The chunk does not start where the server's bytes end (or the blob is complete):
    the client resumes from ``offset`` of ``length`` (the contract's 409 carries both)."""

    def __init__(self, offset: int, length: int | None, message: str):
        super().__init__("offset_mismatch", {"offset": offset, "length": length}, status=409,
                         message=message)
        self.offset, self.length = offset, length


class Progress(NamedTuple):
    """Where an upload stands: ``offset`` of ``length`` bytes held (``length`` is None
    until the upload's first chunk says it)."""
    offset: int
    length: int | None

    @property
    def complete(self) -> bool:
        return self.offset == self.length


def missing(blobs: list[dict]) -> list[dict]:
    """Of the {sha256, size} a phone holds, those the server lacks, with the offset an
    upload may resume from."""
    limit = current_app.config["MAX_BLOB_BYTES"]
    too_big = [Problem("too_large", {"max": limit}, field=f"blobs.{n}.size", status=413,
                       message=f"at most {limit} bytes")
               for n, blob in enumerate(blobs) if blob["size"] > limit]
    if too_big:
        raise Problems(too_big, code="too_large", status=413)
    shas = [blob["sha256"] for blob in blobs]
    complete = complete_blobs(shas)
    return [{"sha256": sha, "offset": blobstore().partial_offset(sha) or 0}
            for sha in shas if sha not in complete and not repair_blob_row(sha)]


# Statement parameters per query: well under every driver's limit (SQLite: 32,766).
SHAS_PER_QUERY = 1000


def complete_blobs(shas: list[str]) -> set[str]:
    """Which of these blobs the server holds complete: a phone asking about thousands of
    photos costs one query per thousand, not one per photo."""
    found = set()
    for start in range(0, len(shas), SHAS_PER_QUERY):
        found.update(db.session.execute(db.select(Blob.sha256).where(
            Blob.sha256.in_(shas[start:start + SHAS_PER_QUERY]))).scalars())
    return found


def progress(sha: str) -> Progress:
    """How much of the blob the server holds."""
    state = upload_state(sha)
    if state.size is not None:
        return Progress(state.size, state.size)
    offset = blobstore().partial_offset(sha)
    if offset is None:
        raise Problem("not_found", status=404, message="the server has no bytes of this blob")
    return Progress(offset, state.length)


def receive_chunk(sha: str, offset: int, length: int, body: BinaryIO,
                  body_length: int | None, uploader_id: int) -> Progress:
    """Store the chunk `body` (`body_length` bytes, None when the body is chunked) at
    `offset` of a blob of `length` bytes; once the last byte is there, check and publish
    the blob, recorded as sent by `uploader_id`."""
    config = current_app.config
    if length == 0 or offset > length:
        raise Problem("offset_outside_length", status=400,
                      message="Upload-Offset must lie within Upload-Length")
    if length > config["MAX_BLOB_BYTES"]:
        raise Problem("too_large", {"max": config["MAX_BLOB_BYTES"]}, status=413,
                      message=f"a blob is at most {config['MAX_BLOB_BYTES']} bytes")
    state = upload_state(sha)
    if state.size is not None:  # a chunk ending where the blob does is a retried last one
        if offset == state.size:
            return Progress(state.size, state.size)
        raise StaleOffset(state.size, state.size, "the blob is complete already")
    if (body_length or 0) > config["MAX_CHUNK_BYTES"]:
        raise Problem("too_large", {"max": config["MAX_CHUNK_BYTES"]}, status=413,
                      message=f"a chunk is at most {config['MAX_CHUNK_BYTES']} bytes")
    if (body_length or 0) > length - offset:
        raise Problem("chunk_past_length", status=400,
                      message="the chunk goes past Upload-Length")
    if state.length != length:
        # The first chunk fixes the total length; later chunks must agree.
        if state.length is not None and blobstore().partial_offset(sha):
            raise Problem("length_changed", {"length": state.length}, field="Upload-Length",
                          status=400, message="Upload-Length differs from the one this "
                          f"upload started with ({state.length})")
        announce_length(sha, length, state.length)
    limit = min(config["MAX_CHUNK_BYTES"], length - offset)  # also for chunked bodies
    # The upload's bookkeeping is committed before the body streams in and the bytes are
    # hashed: on SQLite every transaction holds the write lock, and one slow phone would
    # stall every other.
    if session_in_transaction():
        db.session.commit()
    # A blob sent whole from its first byte (most photos: one request each) is hashed
    # and its ends kept as it streams in, so publishing need not read it back.
    seen = _SeenBody(body) if offset == 0 else None
    try:
        received = blobstore().append(sha, offset, seen or body, limit)
    except OffsetMismatch as exc:  # AlreadyComplete too: the offset is then the size
        raise StaleOffset(exc.current_offset, length,
                          f"expected offset {exc.current_offset}, not {offset}") from exc
    except ChunkTooLarge as exc:
        raise Problem(exc.code, {"max": limit}, status=413,
                      message=f"this chunk may carry at most {limit} bytes") from exc
    if received == length:
        publish_partial(sha, length, uploader_id, seen)
    return Progress(received, length)


# What the image checks' codes (images/checks.py) are to a phone sending the photo.
_IMAGE_STATUS = {"too_large": 413, "unsupported_media": 415}


def publish_partial(sha: str, size: int, uploader_id: int,
                    seen: "_SeenBody | None" = None) -> None:
    """The upload of `size` bytes is complete: hash, header and ending checked,
    published, recorded with who sent it. A Problem (hash_mismatch, or the image
    check's code) discards the partial. `seen`: all of the bytes, as they streamed in
    (else they are read back from the store).

    Nothing here decodes the picture, and the caller holds no database transaction
    while the bytes are hashed: the writes lie in one short transaction at the end."""
    store = blobstore()
    if seen is not None:
        header, refusal = _image_check(lambda: header_of(seen.head, seen.tail, size))
        actual = seen.digest.hexdigest()
    else:
        with store.open_partial(sha) as stream:
            reader = _HashingReader(stream)  # one pass over the bytes for both checks
            header, refusal = _image_check(lambda: read_header(reader, size))
            actual = reader.hexdigest_of_all()
    if actual != sha:  # not the bytes named: say so first, whatever they are
        refusal = Problem("hash_mismatch", status=422, message="the bytes do not match the "
                          "SHA-256 in the URL; upload them again")
    if refusal:
        store.discard_partial(sha)
        _FORGET_UPLOAD.execute(sha=sha)
        # A deliberate commit before the error's rollback: the discarded upload's row
        # goes with its bytes.
        db.session.commit()
        raise refusal
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


class _SeenBody:
    """An upload's body as the store reads it: hashed, and its first HEAD_BYTES and last
    TAIL_BYTES kept (bounded, whatever the body's size), what the image checks need."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.digest = stream, hashlib.sha256()
        self.head, self.tail = bytearray(), b""

    def read(self, size: int = -1) -> bytes:
        piece = self.stream.read(size)
        self.digest.update(piece)
        if len(self.head) < HEAD_BYTES:
            if self.head:
                self.head += piece[:HEAD_BYTES - len(self.head)]
            else:  # most photos: the first piece holds the whole head, kept, not copied
                self.head = piece[:HEAD_BYTES] if len(piece) >= HEAD_BYTES else bytearray(piece)
        self.tail = (piece if len(piece) >= TAIL_BYTES else self.tail + piece)[-TAIL_BYTES:]
        return piece


def _image_check(check) -> tuple[ImageHeader | None, Problem | None]:
    """The header `check` finds, or the Problem its refusal is to the phone."""
    try:
        return check(), None
    except ImageRejected as exc:
        return None, Problem(exc.code, status=_IMAGE_STATUS[exc.code], message=exc.message)


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
