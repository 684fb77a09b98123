"""Content-addressed photo storage with resumable (tus-like) uploads.

Plain library code (no Flask, no database). A blob is named by the SHA-256 of
its bytes (64 lowercase hex characters); every method validates the name, so
no request can make a path outside the store's root.

Life of an upload (what the ``PATCH /blobs/<sha256>`` handler does)::

    store.append(sha, offset, request.stream, length_limit)   # repeated, any process
    # when the returned offset == Upload-Length, one read of store.open_partial(sha)
    # checks the hash (else store.discard_partial(sha): 422) and the header (415/413):
    store.publish(sha, {}, verify=False)                               # 201
    # later, off the request path (server/photos/jobs.py):
    store.put_variants(sha, images.make_variants(<a local copy of store.open(sha)>))

The S3-compatible store (s3store.py) keeps the same contract with an object per
received chunk instead of a partial file and locks.

Local layout under ``root``::

    complete/ab/<sha>                 originals (ab = first two hex characters)
    variants/<variant>/ab/<sha>.jpg   derivatives ("display", "thumb")
    partial/<sha>                     uploads in progress
    tmp/                              scratch files for atomic writes (safe to empty
                                      while the server is stopped)

Guarantees: a complete blob (and its variants) only ever appears through an
atomic ``os.replace`` of a fully written, fsynced file, so readers never see a
half-written blob. Partial uploads are append-only; the size of the partial
file on disk is the truth about how many bytes the server holds (after a crash
mid-write the partial is merely shorter, and the client re-asks the offset).
Chunks are not flushed to disk one by one: the phone keeps a photo until it is
complete, so a partial that a power cut shortened only means bytes sent again (and
whatever a cut left, the hash checked before publishing catches). A blob is
flushed, its bytes and then its name, before anyone is told it is complete.
Appends, publish and discard of one sha are serialised with ``fcntl.flock`` on
the partial file, so this holds across threads and across worker processes
sharing the root (on a local filesystem; flock over NFS is not reliable).
"""

from __future__ import annotations

import abc
import errno
import fcntl
import hashlib
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from sync.ids import is_sha256

__all__ = [
    "BlobStore",
    "LocalBlobStore",
    "BlobStoreError",
    "OffsetMismatch",
    "AlreadyComplete",
    "ChunkTooLarge",
    "HashMismatch",
    "StoreUnavailable",
    "validate_sha",
    "READ_PIECE",
    "HASH_PIECE",
]

READ_PIECE = 64 * 1024  # bytes read from an upload stream at a time
HASH_PIECE = 1024 * 1024  # bytes read at a time when hashing or copying
ORIGINAL = "original"

_VARIANT_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_FILE_MODE = 0o640
_LOCK_RETRIES = 20


class BlobStoreError(Exception):
    """Base class of the store's own errors. ``code`` is the API error code."""

    code = "blob_store_error"


class OffsetMismatch(BlobStoreError):
    """The client's offset is not the number of bytes the server holds (HTTP 409).

    ``current_offset`` is the server's offset (0 when there is no partial),
    for the ``Upload-Offset`` response header.
    """

    code = "offset_mismatch"

    def __init__(self, current_offset: int):
        super().__init__(f"Upload offset mismatch; the server holds {current_offset} bytes.")
        self.current_offset = current_offset


class AlreadyComplete(OffsetMismatch):
    """``append`` to a blob that is already complete.

    ``current_offset`` is the complete size. Being an :class:`OffsetMismatch`,
    a handler that does not care answers 409 with ``Upload-Offset`` = length,
    which tells a tus client the upload is done.
    """

    def __init__(self, size: int):
        super().__init__(size)
        self.args = (f"The blob is already complete ({size} bytes).",)


class ChunkTooLarge(BlobStoreError):
    """More than ``length_limit`` bytes arrived in one append (HTTP 413).

    The partial is left exactly as it was before the call.
    """

    code = "too_large"

    def __init__(self, limit: int):
        super().__init__(f"The chunk is larger than the {limit} bytes allowed here.")
        self.limit = limit


class HashMismatch(BlobStoreError):
    """The bytes do not hash to the blob's name (HTTP 422).

    Raised by ``publish``/``put_complete``; nothing is published. ``publish``
    leaves the partial in place (the caller decides; the contract says discard).
    """

    code = "hash_mismatch"

    def __init__(self, expected: str, actual: str):
        super().__init__(f"SHA-256 mismatch: expected {expected}, got {actual}.")
        self.expected = expected
        self.actual = actual


class StoreUnavailable(BlobStoreError):
    """The store cannot be reached or refused to work (HTTP 503, try again later).

    Nothing was written by the failed call; the caller keeps what it has.
    """

    code = "store_unavailable"


def validate_sha(sha: str) -> str:
    """Return ``sha`` if it is 64 lowercase hex characters, else raise ValueError."""
    if not is_sha256(sha):
        raise ValueError("blob name must be 64 lowercase hexadecimal characters")
    return sha


def validate_append(sha: str, offset, length_limit) -> None:
    """ValueError unless ``append``'s arguments are a valid name and two counts."""
    validate_sha(sha)
    for name, value in (("offset", offset), ("length_limit", length_limit)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer")


def _validate_variant(variant: str) -> str:
    if not isinstance(variant, str) or not _VARIANT_RE.fullmatch(variant) or variant == ORIGINAL:
        raise ValueError(f"invalid variant name: {variant!r}")
    return variant


def _validate_variants(variants: dict[str, bytes] | None) -> dict[str, bytes]:
    variants = dict(variants or {})
    for name, data in variants.items():
        _validate_variant(name)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"variant {name!r} must be bytes")
    return variants


class BlobStore(abc.ABC):
    """Contract of a blob store. All ``sha`` arguments are validated (ValueError).

    Complete blobs (the remote-able part; an S3-compatible store implements
    these against a bucket, keys ``complete/ab/<sha>`` and
    ``variants/<variant>/ab/<sha>.jpg``):

    * ``exists(sha)``, ``size(sha)``, ``open(sha, variant)``, ``delete(sha)``;
    * ``publish(sha, variants)``: verify and upload the partial's bytes plus the
      variants (variants first, original last: the original's presence means
      complete), then discard the partial;
    * ``put_complete(sha, src, variants)``: same from a file or bytes (bundle
      import).

    Partial uploads, visible to every process sharing the store (the folder
    store appends to one locked file; ``s3store.S3BlobStore`` writes one object
    per chunk, so it needs no lock):

    * ``partial_offset(sha)``, ``append(sha, offset, stream, length_limit)``,
      ``open_partial(sha)``, ``hash_partial(sha)``, ``discard_partial(sha)``;
    * ``partial_path(sha)``: :class:`LocalBlobStore` only (others raise
      NotImplementedError); read the partial with ``open_partial``.

    After a cut request (``stream.read`` fails) a store keeps either the bytes
    that arrived (folder) or none of that chunk (S3); ``partial_offset`` says
    which, and the client resumes from there.

    Variant names are ``[a-z][a-z0-9_]*`` (``"original"`` means the blob itself
    in ``open``); this module does not know which variants exist, the caller
    (``images.make_variants``) decides.
    """

    # -- complete blobs ---------------------------------------------------
    @abc.abstractmethod
    def exists(self, sha: str) -> bool:
        """True when the complete blob is stored."""

    @abc.abstractmethod
    def size(self, sha: str) -> int | None:
        """Size in bytes of the complete blob, None if not complete."""

    @abc.abstractmethod
    def open(self, sha: str, variant: str = ORIGINAL) -> BinaryIO:
        """Binary file object for reading; FileNotFoundError when absent."""

    @abc.abstractmethod
    def delete(self, sha: str) -> bool:
        """Remove the blob, all its variants and any partial. True if anything existed."""

    @abc.abstractmethod
    def publish(self, sha: str, variants: dict[str, bytes], *, verify: bool = True) -> None:
        """Make the finished partial the complete blob, atomically; idempotent."""

    @abc.abstractmethod
    def put_complete(
        self, sha: str, src: str | os.PathLike | bytes, variants: dict[str, bytes]
    ) -> None:
        """Store a complete blob from a file path or bytes; idempotent."""

    @abc.abstractmethod
    def put_variants(self, sha: str, variants: dict[str, bytes]) -> None:
        """Store derivatives of a complete blob, each atomically (made after publishing)."""

    @abc.abstractmethod
    def has_variant(self, sha: str, variant: str) -> bool:
        """True when the derivative ``variant`` of the blob is stored."""

    @abc.abstractmethod
    def check(self) -> None:
        """Raise :class:`StoreUnavailable` when the store cannot serve requests now."""

    # -- partial uploads --------------------------------------------------
    @abc.abstractmethod
    def partial_offset(self, sha: str) -> int | None:
        """Bytes received of an incomplete upload, None if there is none."""

    @abc.abstractmethod
    def append(self, sha: str, offset: int, stream: BinaryIO, length_limit: int) -> int:
        """Append ``stream``'s bytes at exactly ``offset``; return the new offset."""

    @abc.abstractmethod
    def partial_path(self, sha: str) -> Path:
        """Local path of the partial (may not exist). LocalBlobStore only: other
        stores raise NotImplementedError; callers use :meth:`open_partial`."""

    @abc.abstractmethod
    def open_partial(self, sha: str) -> BinaryIO:
        """Binary file object reading the partial's bytes; FileNotFoundError if none."""

    @abc.abstractmethod
    def hash_partial(self, sha: str) -> str:
        """SHA-256 hex of the partial's bytes; FileNotFoundError if none."""

    @abc.abstractmethod
    def discard_partial(self, sha: str) -> bool:
        """Delete the partial upload, if any. True if one existed."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class LocalBlobStore(BlobStore):
    """:class:`BlobStore` on a local directory (see the module docstring for the layout).

    Safe to share between threads and between processes using the same root.
    Instances hold no state besides the root, so re-creating one (e.g. after a
    restart) resumes every partial upload exactly where the disk says.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        self._complete = self.root / "complete"
        self._variants = self.root / "variants"
        self._partial = self.root / "partial"
        self._tmp = self.root / "tmp"
        for directory in (self._complete, self._variants, self._partial, self._tmp):
            directory.mkdir(parents=True, exist_ok=True)
        # Every chunk asks for these a few times; paths are built once per blob.
        self._complete_path = lru_cache(maxsize=256)(self._complete_path)
        self.partial_path = lru_cache(maxsize=256)(self.partial_path)

    # -- paths ------------------------------------------------------------
    def _complete_path(self, sha: str) -> Path:
        return self._complete / sha[:2] / sha

    def _variant_path(self, sha: str, variant: str) -> Path:
        return self._variants / variant / sha[:2] / f"{sha}.jpg"

    def local_path(self, sha: str, variant: str = ORIGINAL) -> Path:
        """Path of a complete blob or variant (LocalBlobStore only, e.g. for
        ``send_file``); it may not exist. Not part of the :class:`BlobStore` contract."""
        validate_sha(sha)
        if variant == ORIGINAL:
            return self._complete_path(sha)
        return self._variant_path(sha, _validate_variant(variant))

    def partial_path(self, sha: str) -> Path:
        return self._partial / validate_sha(sha)

    # -- complete blobs ---------------------------------------------------
    def exists(self, sha: str) -> bool:
        return self._complete_path(validate_sha(sha)).is_file()

    def size(self, sha: str) -> int | None:
        try:
            return self._complete_path(validate_sha(sha)).stat().st_size
        except FileNotFoundError:
            return None

    def open(self, sha: str, variant: str = ORIGINAL) -> BinaryIO:
        return open(self.local_path(sha, variant), "rb")

    def delete(self, sha: str) -> bool:
        validate_sha(sha)
        found = False
        paths = [self._complete_path(sha)]  # first: exists() turns False at once
        if self._variants.is_dir():
            paths += [
                self._variant_path(sha, entry.name)
                for entry in sorted(self._variants.iterdir())
                if entry.is_dir() and _VARIANT_RE.fullmatch(entry.name)
            ]
        for path in paths:
            try:
                path.unlink()
                found = True
            except FileNotFoundError:
                pass
        return self.discard_partial(sha) or found

    def publish(self, sha: str, variants: dict[str, bytes], *, verify: bool = True) -> None:
        """Turn the finished partial into the complete blob.

        Order: (under the partial's lock) optionally re-hash the partial
        (``verify``; raises :class:`HashMismatch` and publishes nothing), write
        every variant atomically, then ``os.replace`` the partial to
        ``complete/`` and fsync both directories. If the blob is already
        complete this only removes a leftover partial. FileNotFoundError when
        there is neither a partial nor a complete blob.
        """
        validate_sha(sha)
        variants = _validate_variants(variants)
        with self._locked_partial(sha, create=False) as fd:
            if fd is None:  # no partial (any more)
                if self.exists(sha):
                    return
                raise FileNotFoundError(errno.ENOENT, "no upload for this blob", sha)
            partial = self.partial_path(sha)
            if self.exists(sha):
                partial.unlink()
                _fsync_dir(self._partial)
                return
            if verify:
                actual = _hash_fd(fd)
                if actual != sha:
                    raise HashMismatch(sha, actual)
            os.fsync(fd)
            self._write_variants(sha, variants)
            target = self._complete_path(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, target)
            _fsync_dir(target.parent)
            _fsync_dir(self._partial)

    def put_complete(
        self, sha: str, src: str | os.PathLike | bytes, variants: dict[str, bytes]
    ) -> None:
        """Store a complete blob from a file path or bytes (bundle import).

        The bytes are copied (streamed from a path) to a temp file while being
        hashed; :class:`HashMismatch` if they are not ``sha``. Variants are
        written first, then the original appears via ``os.replace``. A no-op
        when the blob is already complete; a leftover partial is removed.
        """
        validate_sha(sha)
        variants = _validate_variants(variants)
        if self.exists(sha):
            self.discard_partial(sha)
            return
        fd, tmp_name = tempfile.mkstemp(prefix=f"{sha}.", suffix=".tmp", dir=self._tmp)
        tmp = Path(tmp_name)
        try:
            os.fchmod(fd, _FILE_MODE)
            digest = hashlib.sha256()
            if isinstance(src, (bytes, bytearray, memoryview)):
                digest.update(src)
                _write_all(fd, src)
            else:
                with open(src, "rb") as source:
                    while piece := source.read(HASH_PIECE):
                        digest.update(piece)
                        _write_all(fd, piece)
            os.fsync(fd)
            os.close(fd)
            fd = -1
            actual = digest.hexdigest()
            if actual != sha:
                raise HashMismatch(sha, actual)
            self._write_variants(sha, variants)
            target = self._complete_path(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        finally:
            if fd >= 0:
                os.close(fd)
            tmp.unlink(missing_ok=True)
        self.discard_partial(sha)

    def put_variants(self, sha: str, variants: dict[str, bytes]) -> None:
        self._write_variants(validate_sha(sha), _validate_variants(variants))

    def has_variant(self, sha: str, variant: str) -> bool:
        return self.local_path(sha, variant).is_file()

    def check(self) -> None:
        if not os.access(self._tmp, os.W_OK):
            raise StoreUnavailable(f"the photo folder {self.root} is not writable")

    def _write_variants(self, sha: str, variants: dict[str, bytes]) -> None:
        for name, data in variants.items():
            self._atomic_write(self._variant_path(sha, name), data)

    def _atomic_write(self, target: Path, data) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f"{target.name}.", suffix=".tmp", dir=self._tmp)
        try:
            os.fchmod(fd, _FILE_MODE)
            _write_all(fd, data)
            os.fsync(fd)
            os.close(fd)
            fd = -1
            os.replace(tmp_name, target)
            tmp_name = None
            _fsync_dir(target.parent)
        finally:
            if fd >= 0:
                os.close(fd)
            if tmp_name is not None:
                Path(tmp_name).unlink(missing_ok=True)

    # -- partial uploads --------------------------------------------------
    def partial_offset(self, sha: str) -> int | None:
        try:
            return self.partial_path(sha).stat().st_size
        except FileNotFoundError:
            return None

    def open_partial(self, sha: str) -> BinaryIO:
        return open(self.partial_path(sha), "rb")

    def hash_partial(self, sha: str) -> str:
        validate_sha(sha)
        with self._locked_partial(sha, create=False, shared=True) as fd:
            if fd is None:
                raise FileNotFoundError(errno.ENOENT, "no partial upload", sha)
            return _hash_fd(fd)

    def discard_partial(self, sha: str) -> bool:
        validate_sha(sha)
        with self._locked_partial(sha, create=False) as fd:
            if fd is None:
                return False
            self.partial_path(sha).unlink()
            return True

    def append(self, sha: str, offset: int, stream: BinaryIO, length_limit: int) -> int:
        """Write the bytes read from ``stream`` to the partial at exactly ``offset``.

        * :class:`OffsetMismatch` (``current_offset``) if ``offset`` is not the
          partial's current size (0 when there is none); nothing is read.
        * :class:`AlreadyComplete` (an OffsetMismatch) if the blob is complete.
        * :class:`ChunkTooLarge` if more than ``length_limit`` bytes arrive; the
          partial is truncated back to ``offset`` (removed if it was new).
        * If ``stream.read`` raises (client went away), the bytes received so
          far are kept, then the exception propagates; the client re-asks the
          offset.
        * Otherwise the new offset is returned (the bytes are flushed to disk
          by ``publish``, see the module docstring).

        The stream is read in 64 KiB pieces, never as a whole. The caller
        enforces the protocol limits through ``length_limit`` (e.g.
        ``min(chunk_max, upload_length - offset)``).
        """
        validate_append(sha, offset, length_limit)
        size = self.size(sha)
        if size is not None:
            raise AlreadyComplete(size)
        with self._locked_partial(sha, create=offset == 0) as fd:
            if fd is None:  # no partial and offset > 0
                size = self.size(sha)
                if size is not None:
                    raise AlreadyComplete(size)
                raise OffsetMismatch(0)
            if self.exists(sha):
                # Published by someone else between our checks; stale partial.
                size = self.size(sha)
                self._unlink_partial_if_empty(sha, fd)
                raise AlreadyComplete(size if size is not None else 0)
            current = os.fstat(fd).st_size
            if current != offset:
                self._unlink_partial_if_empty(sha, fd)
                raise OffsetMismatch(current)
            written = 0
            try:
                os.lseek(fd, offset, os.SEEK_SET)
                while True:
                    # Ask for one byte more than allowed, to notice an oversize chunk.
                    piece = stream.read(min(READ_PIECE, length_limit - written + 1))
                    if not piece:
                        break
                    if written + len(piece) > length_limit:
                        raise ChunkTooLarge(length_limit)
                    _write_all(fd, piece)
                    written += len(piece)
            except ChunkTooLarge:
                os.ftruncate(fd, offset)
                self._unlink_partial_if_empty(sha, fd)
                raise
            except BaseException:
                # Keep what was received (the file size is the truth) and let the
                # caller report the error, which a failing cleanup must not mask.
                try:
                    self._unlink_partial_if_empty(sha, fd)
                except OSError:
                    pass
                raise
            self._unlink_partial_if_empty(sha, fd)
            return offset + written

    def _unlink_partial_if_empty(self, sha: str, fd: int) -> None:
        """An empty partial is the same as none: keep the "None" answer honest."""
        if os.fstat(fd).st_size == 0:
            self.partial_path(sha).unlink(missing_ok=True)

    # -- locking ----------------------------------------------------------
    def _locked_partial(self, sha: str, *, create: bool, shared: bool = False):
        return _PartialLock(self, sha, create=create, shared=shared)


class _PartialLock:
    """Context manager: an fd on ``partial/<sha>`` holding its flock, or None.

    After taking the lock it checks that the path still names the locked file
    (a concurrent publish/discard may have renamed or unlinked it while we
    waited) and retries if not, so whoever holds the lock owns the live partial.
    """

    def __init__(self, store: LocalBlobStore, sha: str, *, create: bool, shared: bool):
        self.path = store.partial_path(sha)
        self.store = store
        self.create = create
        self.shared = shared
        self.fd: int | None = None

    def __enter__(self) -> int | None:
        flags = os.O_RDWR | (os.O_CREAT if self.create else 0)
        for _ in range(_LOCK_RETRIES):
            try:
                fd = os.open(self.path, flags, _FILE_MODE)
            except FileNotFoundError:
                return None
            try:
                fcntl.flock(fd, fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX)
                try:
                    on_disk = os.stat(self.path)
                except FileNotFoundError:
                    on_disk = None
                mine = os.fstat(fd)
                if on_disk is not None and (on_disk.st_dev, on_disk.st_ino) == (
                    mine.st_dev,
                    mine.st_ino,
                ):
                    self.fd = fd
                    return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # stale file (renamed/unlinked meanwhile): try again
        raise BlobStoreError("could not lock the partial upload (too much contention)")

    def __exit__(self, *exc_info) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the flock
            self.fd = None


def _hash_fd(fd: int) -> str:
    digest = hashlib.sha256()
    position = 0
    while True:
        piece = os.pread(fd, HASH_PIECE, position)
        if not piece:
            break
        digest.update(piece)
        position += len(piece)
    return digest.hexdigest()
