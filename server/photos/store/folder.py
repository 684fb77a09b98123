"""The blob store in a local folder: one host, file locks between its processes.

Layout under ``root``::

    complete/ab/<sha>                 originals (ab = first two hex characters)
    variants/<variant>/ab/<sha>.jpg   derivatives ("display", "thumb")
    partial/<sha>                     uploads in progress
    tmp/                              scratch files for atomic writes (safe to empty
                                      while the server is stopped)

Guarantees: a complete blob (and its variants) only ever appears through an atomic
``os.replace`` of a fully written, fsynced file, so readers never see a half-written
blob. Partial uploads are append-only; the size of the partial file on disk is the
truth about how many bytes the server holds (after a crash mid-write the partial is
merely shorter, and the client re-asks the offset). Chunks are not flushed to disk one
by one: the phone keeps a photo until it is complete, so a partial that a power cut
shortened only means bytes sent again (and whatever a cut left, the hash checked before
publishing catches). A blob is flushed, its bytes and then its name, before anyone is
told it is complete. Appends, publish and discard of one sha are serialised with
``fcntl.flock`` on the partial file, so this holds across threads and across worker
processes sharing the root (on a local filesystem; flock over NFS is not reliable).
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from .contract import (HASH_PIECE, ORIGINAL, READ_PIECE, BlobStore, copy_hashing, is_variant,
                       validate_append, validate_sha, validate_variant, validate_variants)
from .errors import AlreadyComplete, BlobStoreError, ChunkTooLarge, HashMismatch, \
    OffsetMismatch, StoreUnavailable

_FILE_MODE = 0o640
_LOCK_RETRIES = 20


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

    def _path(self, sha: str, variant: str) -> Path:
        validate_sha(sha)
        if variant == ORIGINAL:
            return self._complete_path(sha)
        return self._variant_path(sha, validate_variant(variant))

    def partial_path(self, sha: str) -> Path:
        """Where the partial upload lies (it may not exist): this store's own business,
        not the contract's; others read a partial with ``open_partial``."""
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
        return open(self._path(sha, variant), "rb")

    def delete(self, sha: str) -> bool:
        validate_sha(sha)
        found = False
        paths = [self._complete_path(sha)]  # first: exists() turns False at once
        if self._variants.is_dir():
            paths += [
                self._variant_path(sha, entry.name)
                for entry in sorted(self._variants.iterdir())
                if entry.is_dir() and is_variant(entry.name)
            ]
        for path in paths:
            try:
                path.unlink()
                found = True
            except FileNotFoundError:
                pass
        return self.discard_partial(sha) or found

    def publish(self, sha: str) -> None:
        """Under the partial's lock: flush it, ``os.replace`` it to ``complete/`` and
        fsync the folder it now lies in. If the blob is already complete this only
        removes a leftover partial."""
        validate_sha(sha)
        with _PartialLock(self, sha, create=False) as fd:
            if fd is None:  # no partial (any more)
                if self.exists(sha):
                    return
                raise FileNotFoundError(errno.ENOENT, "no upload for this blob", sha)
            partial = self.partial_path(sha)
            if self.exists(sha):
                partial.unlink()
                _fsync_dir(self._partial)
                return
            os.fsync(fd)
            target = self._complete_path(sha)
            try:
                os.replace(partial, target)
            except FileNotFoundError:  # the first blob of its folder: only then make it
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(partial, target)
            # The new name is made durable; the old one's removal need not be (one flush
            # of the disk less per photo): a partial that a power cut brings back beside
            # its complete blob is never read, the complete blob answering first.
            _fsync_dir(target.parent)

    def put_complete(self, sha: str, src: str | os.PathLike | bytes) -> None:
        """The bytes are copied (streamed from a path) to a temp file while being
        hashed; the original appears via ``os.replace``."""
        validate_sha(sha)
        if self.exists(sha):
            self.discard_partial(sha)
            return
        fd, tmp_name = tempfile.mkstemp(prefix=f"{sha}.", suffix=".tmp", dir=self._tmp)
        tmp = Path(tmp_name)
        try:
            os.fchmod(fd, _FILE_MODE)
            actual = copy_hashing(src, lambda piece: _write_all(fd, piece))
            os.fsync(fd)
            os.close(fd)
            fd = -1
            if actual != sha:
                raise HashMismatch(sha, actual)
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
        validate_sha(sha)
        for name, data in validate_variants(variants).items():
            self._atomic_write(self._variant_path(sha, name), data)

    def has_variant(self, sha: str, variant: str) -> bool:
        return self._path(sha, variant).is_file()

    def check(self) -> None:
        if not os.access(self._tmp, os.W_OK):
            raise StoreUnavailable(f"the photo folder {self.root} is not writable")

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
        with _PartialLock(self, sha, create=False, shared=True) as fd:
            if fd is None:
                raise FileNotFoundError(errno.ENOENT, "no partial upload", sha)
            return _hash_fd(fd)

    def discard_partial(self, sha: str) -> bool:
        validate_sha(sha)
        with _PartialLock(self, sha, create=False) as fd:
            if fd is None:
                return False
            self.partial_path(sha).unlink()
            return True

    def append(self, sha: str, offset: int, stream: BinaryIO, length_limit: int) -> int:
        """The contract's ``append``, on the partial file under its lock. If
        ``stream.read`` raises (the client went away), the bytes received so far are
        kept, then the exception propagates; the client re-asks the offset. The bytes
        are flushed to disk by ``publish`` (see the module docstring)."""
        validate_append(sha, offset, length_limit)
        size = self.size(sha)
        if size is not None:
            raise AlreadyComplete(size)
        with _PartialLock(self, sha, create=offset == 0) as fd:
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


class _PartialLock:
    """Context manager: an fd on ``partial/<sha>`` holding its flock, or None.

    After taking the lock it checks that the path still names the locked file
    (a concurrent publish/discard may have renamed or unlinked it while we
    waited) and retries if not, so whoever holds the lock owns the live partial.
    """

    def __init__(self, store: LocalBlobStore, sha: str, *, create: bool, shared: bool = False):
        self.path = store.partial_path(sha)
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
