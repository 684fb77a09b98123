"""What every blob store does (the folder in folder.py, a bucket in s3.py), and the
names and limits they share. The suite in tests/unit/test_blobstore.py runs against
each.

A blob is named by the SHA-256 of its bytes (64 lowercase hex characters); every
method validates the name (ValueError), so no request can reach outside the store.
"""
from __future__ import annotations

import abc
import hashlib
import os
import re
from typing import BinaryIO

from sync.ids import is_sha256

# Bytes read from an upload stream at a time: a phone's chunk (256 KiB to 1 MiB) in a
# few reads, each a Python round through the server's body reader, the hash and the file.
READ_PIECE = 256 * 1024
HASH_PIECE = 1024 * 1024  # bytes read at a time when hashing or copying
ORIGINAL = "original"  # the variant name that means the blob itself

_VARIANT = re.compile(r"[a-z][a-z0-9_]{0,31}")


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


def is_variant(name) -> bool:
    """Whether ``name`` may name a derivative (``original`` is the blob itself)."""
    return isinstance(name, str) and bool(_VARIANT.fullmatch(name)) and name != ORIGINAL


def validate_variant(name: str) -> str:
    if not is_variant(name):
        raise ValueError(f"invalid variant name: {name!r}")
    return name


def validate_variants(variants: dict[str, bytes]) -> dict[str, bytes]:
    for name, data in variants.items():
        validate_variant(name)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"variant {name!r} must be bytes")
    return variants


def copy_hashing(src: str | os.PathLike | bytes, write) -> str:
    """Pass ``src`` (bytes, or a file streamed from its path) to ``write`` piece by
    piece; the SHA-256 hex of what passed (``put_complete`` of every store)."""
    digest = hashlib.sha256()
    if isinstance(src, (bytes, bytearray, memoryview)):
        digest.update(src)
        write(src)
    else:
        with open(src, "rb") as source:
            while piece := source.read(HASH_PIECE):
                digest.update(piece)
                write(piece)
    return digest.hexdigest()


class BlobStore(abc.ABC):
    """Contract of a blob store. All ``sha`` arguments are validated (ValueError).

    Complete blobs, with their derivatives (variants):

    * ``exists``, ``size``, ``open(sha, variant)``, ``delete``;
    * ``publish(sha)``: the finished partial becomes the complete blob;
    * ``put_complete(sha, src)``: the same from a file or bytes (bundle import);
    * ``put_variants``, ``has_variant``: derivatives, made after publishing.

    Partial uploads, visible to every process sharing the store (the folder appends to
    one locked file; a bucket holds one object per chunk, so it needs no lock):
    ``partial_offset``, ``append``, ``open_partial``, ``hash_partial``,
    ``discard_partial``.

    After a cut request (``stream.read`` fails) a store keeps either the bytes that
    arrived (folder) or none of that chunk (bucket); ``partial_offset`` says which, and
    the client resumes from there.

    Variant names are ``[a-z][a-z0-9_]*`` (``"original"`` means the blob itself in
    ``open``); a store does not know which variants exist, its caller
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
        """Seekable binary file object for reading; FileNotFoundError when absent."""

    @abc.abstractmethod
    def delete(self, sha: str) -> bool:
        """Remove the blob, all its variants and any partial. True if anything existed."""

    @abc.abstractmethod
    def publish(self, sha: str) -> None:
        """Make the finished partial the complete blob, atomically, and remove the
        partial; idempotent. FileNotFoundError when there is neither a partial nor a
        complete blob.

        The caller has checked the partial's bytes (ingest hashes them in the same pass
        as it reads the header): a partial that holds its whole upload takes no more
        bytes, so hashing it again here would only double the CPU of every upload."""

    @abc.abstractmethod
    def put_complete(self, sha: str, src: str | os.PathLike | bytes) -> None:
        """Store a complete blob from a file path or bytes, hashing them on the way
        (:class:`HashMismatch`, nothing stored); idempotent; a leftover partial goes."""

    @abc.abstractmethod
    def put_variants(self, sha: str, variants: dict[str, bytes]) -> None:
        """Store derivatives of a complete blob, each atomically; a later one replaces
        an earlier one of the same name."""

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
        """Append ``stream``'s bytes at exactly ``offset``; return the new offset.

        * :class:`OffsetMismatch` (``current_offset``) if ``offset`` is not the
          partial's size (0 when there is none); nothing is read.
        * :class:`AlreadyComplete` (an OffsetMismatch) if the blob is complete.
        * :class:`ChunkTooLarge` if more than ``length_limit`` bytes arrive; the
          partial stays as it was.

        The stream is read in ``READ_PIECE`` pieces, never as a whole. The caller
        enforces the protocol's limits through ``length_limit``."""

    @abc.abstractmethod
    def open_partial(self, sha: str) -> BinaryIO:
        """Binary file object reading the partial's bytes; FileNotFoundError if none."""

    @abc.abstractmethod
    def hash_partial(self, sha: str) -> str:
        """SHA-256 hex of the partial's bytes; FileNotFoundError if none."""

    @abc.abstractmethod
    def discard_partial(self, sha: str) -> bool:
        """Delete the partial upload, if any. True if one existed."""
