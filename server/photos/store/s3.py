"""The blob store on an S3-compatible bucket (AWS S3, MinIO, Ceph, Aliyun OSS, Tencent COS).

Keys under ``<prefix>/``::

    complete/ab/<sha>                 originals: present means complete, all bytes
    variants/<variant>/ab/<sha>.jpg   derivatives
    partial/<sha>/<offset:012d>       one object per received chunk

Uploads are resumable across processes and machines without any lock: every chunk
is an object of its own, written with one PUT only after its whole body was read and
checked against the limit, so a cut request stores nothing of that chunk and a PUT
is either all there or not at all. The partial's offset is the sum of the sizes of
the chunk objects that follow one another from offset 0; a chunk object past a gap
is ignored. Two processes writing the same offset write the same key (the bytes of
a photo at an offset are the same whoever sends them; the hash check at the end
catches anyone else). A late request may so replace a chunk by a longer or shorter
one: the offset then moves to where the chunks still follow one another, always a
true prefix of the photo, and a phone with a stale offset is told the offset and
resends. Publishing reads the chunks in order, writes the original with ONE PUT (no
multipart: its parts must be at least 5 MiB), and only then deletes the chunk
objects; a crash in between leaves chunks that the next publish, put or delete
removes. Derivatives are PUT one by one, later (``put_variants``).

Every connection failure, timeout, 5xx or refused credential becomes
:class:`StoreUnavailable`; nothing else this class does hides an error. The keys need
GetObject, PutObject, DeleteObject and ListBucket on the bucket (without ListBucket,
AWS answers 403 rather than 404 for a missing object, which reads as "unavailable").
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .contract import (HASH_PIECE, ORIGINAL, READ_PIECE, BlobStore, copy_hashing, is_variant,
                       validate_append, validate_sha, validate_variant, validate_variants)
from .errors import AlreadyComplete, ChunkTooLarge, HashMismatch, OffsetMismatch, \
    StoreUnavailable

# Photos are at most a few MiB: they are read into memory up to this, then spill to disk.
SPOOL_BYTES = 8 * 1024 * 1024
_OFFSET_DIGITS = 12
_NO_SUCH_KEY = ("404", "NoSuchKey", "NotFound")


class S3BlobStore(BlobStore):
    """:class:`BlobStore` on ``bucket`` under ``prefix``; holds no state but the client,
    so any number of processes on any machines may share one bucket."""

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""

    @classmethod
    def from_url(cls, url: str, environ=os.environ) -> "S3BlobStore":
        """``s3://bucket/prefix``; endpoint, keys and region from ``environ`` (the
        process environment, or the app's config: ``server/config.py`` lists them)."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"an S3 blob store is s3://bucket/prefix, not {url!r}")
        addressing = environ.get("S3_ADDRESSING") or "path"
        timeout = float(environ.get("S3_TIMEOUT") or 5)
        if addressing not in ("path", "virtual"):
            raise ValueError(f"S3_ADDRESSING must be path or virtual, not {addressing!r}")
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing},
            # Newer SDKs send CRC checksums in a chunked encoding that several
            # S3-compatible services refuse; send and check them only when required.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"mode": "standard",
                     "max_attempts": int(environ.get("S3_MAX_ATTEMPTS") or 3)},
            connect_timeout=timeout,
            read_timeout=timeout * 4,  # a PUT of a whole photo takes longer than a connect
        )
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=environ.get("S3_ENDPOINT_URL") or None,
            aws_access_key_id=environ.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY") or None,
            region_name=environ.get("AWS_REGION") or "us-east-1",
            config=config,
        )
        return cls(client, parts.netloc, parts.path)

    # -- keys -------------------------------------------------------------
    def _complete_key(self, sha: str) -> str:
        return f"{self.prefix}complete/{sha[:2]}/{sha}"

    def _variant_key(self, sha: str, variant: str) -> str:
        return f"{self.prefix}variants/{variant}/{sha[:2]}/{sha}.jpg"

    def _key(self, sha: str, variant: str) -> str:
        validate_sha(sha)
        if variant == ORIGINAL:
            return self._complete_key(sha)
        return self._variant_key(sha, validate_variant(variant))

    def _partial_prefix(self, sha: str) -> str:
        return f"{self.prefix}partial/{sha}/"

    def _chunk_key(self, sha: str, offset: int) -> str:
        return f"{self._partial_prefix(sha)}{offset:0{_OFFSET_DIGITS}d}"

    # -- complete blobs ---------------------------------------------------
    def exists(self, sha: str) -> bool:
        return self.size(sha) is not None

    def size(self, sha: str) -> int | None:
        return self._head(self._key(sha, ORIGINAL))

    def open(self, sha: str, variant: str = ORIGINAL) -> BinaryIO:
        """A seekable copy of the object: a store failure shows here, as
        StoreUnavailable, and not halfway through a response."""
        key = self._key(sha, variant)
        copy = _spool()
        try:
            with _translated(missing=key):
                body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
                shutil.copyfileobj(body, copy, HASH_PIECE)
        except BaseException:
            copy.close()
            raise
        copy.seek(0)
        return copy

    def delete(self, sha: str) -> bool:
        validate_sha(sha)
        keys = [self._complete_key(sha)]
        keys += [self._variant_key(sha, name) for name in self._variant_names()]
        found = [key for key in keys if self._head(key) is not None]
        self._delete_keys(found)
        return self.discard_partial(sha) or bool(found)

    def publish(self, sha: str) -> None:
        """The chunks, concatenated, become the complete blob, then go."""
        validate_sha(sha)
        if self.exists(sha):
            self.discard_partial(sha)
            return
        try:
            body = self._read_partial(sha)[0]
        except FileNotFoundError:
            if self.exists(sha):  # another process published it (and took the chunks)
                return
            raise
        with body:
            self._put(self._complete_key(sha), body)
        self.discard_partial(sha)

    def put_complete(self, sha: str, src: str | os.PathLike | bytes) -> None:
        validate_sha(sha)
        if self.exists(sha):
            self.discard_partial(sha)
            return
        with _spool() as body:
            actual = copy_hashing(src, body.write)
            if actual != sha:
                raise HashMismatch(sha, actual)
            body.seek(0)
            self._put(self._complete_key(sha), body)
        self.discard_partial(sha)

    def put_variants(self, sha: str, variants: dict[str, bytes]) -> None:
        validate_sha(sha)
        for name, data in validate_variants(variants).items():
            self._put(self._variant_key(sha, name), bytes(data))

    def has_variant(self, sha: str, variant: str) -> bool:
        return self._head(self._key(sha, variant)) is not None

    def check(self) -> None:
        with _translated():
            self.client.head_bucket(Bucket=self.bucket)

    # -- partial uploads --------------------------------------------------
    def partial_offset(self, sha: str) -> int | None:
        offset = sum(size for _, size in self._chunks(sha))
        return offset or None

    def append(self, sha: str, offset: int, stream: BinaryIO, length_limit: int) -> int:
        """The contract's ``append``: the chunk read from ``stream`` as one object at
        ``offset``, stored only once read to its end, so a failing ``stream.read``
        stores nothing and the offset stays where it was."""
        validate_append(sha, offset, length_limit)
        size = self.size(sha)
        if size is not None:
            raise AlreadyComplete(size)
        current = self.partial_offset(sha) or 0
        if current != offset:
            raise OffsetMismatch(current)
        chunk = bytearray()
        while True:
            # Ask for one byte more than allowed, to notice an oversize chunk.
            piece = stream.read(min(READ_PIECE, length_limit - len(chunk) + 1))
            if not piece:
                break
            if len(chunk) + len(piece) > length_limit:
                raise ChunkTooLarge(length_limit)
            chunk += piece
        if not chunk:
            return offset
        key = self._chunk_key(sha, offset)
        self._put(key, bytes(chunk))
        size = self.size(sha)
        if size is not None:  # published by another process meanwhile: a stray chunk
            self._delete_keys([key])
            raise AlreadyComplete(size)
        return offset + len(chunk)

    def open_partial(self, sha: str) -> BinaryIO:
        return self._read_partial(validate_sha(sha))[0]

    def hash_partial(self, sha: str) -> str:
        body, actual = self._read_partial(validate_sha(sha))
        body.close()
        return actual

    def discard_partial(self, sha: str) -> bool:
        keys = self._list(self._partial_prefix(validate_sha(sha)))
        self._delete_keys([key for key, _ in keys])
        return bool(keys)

    # -- bucket operations, each translating the SDK's failures -------------
    def _chunks(self, sha: str) -> list[tuple[str, int]]:
        """(key, size) of the chunk objects that follow one another from offset 0."""
        prefix = self._partial_prefix(validate_sha(sha))
        chain, offset = [], 0
        for key, size in sorted(self._list(prefix)):
            name = key[len(prefix):]
            if name.isdigit() and int(name) == offset and size > 0:
                chain.append((key, size))
                offset += size
        return chain

    def _read_partial(self, sha: str) -> tuple[BinaryIO, str]:
        """The partial's bytes in a temporary file at position 0 (the caller closes
        it), and their SHA-256."""
        chunks = self._chunks(sha)
        if not chunks:
            raise FileNotFoundError(f"no partial upload of {sha}")
        digest, body = hashlib.sha256(), _spool()
        try:
            for key, _ in chunks:
                with _translated(missing=key):
                    data = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
                digest.update(data)
                body.write(data)
        except BaseException:
            body.close()
            raise
        body.seek(0)
        return body, digest.hexdigest()

    def _variant_names(self) -> list[str]:
        with _translated():
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=f"{self.prefix}variants/", Delimiter="/")
            prefixes = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
        names = [p[len(f"{self.prefix}variants/"):].rstrip("/") for p in prefixes]
        return [name for name in names if is_variant(name)]

    def _list(self, prefix: str) -> list[tuple[str, int]]:
        with _translated():
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix)
            return [(o["Key"], o["Size"]) for page in pages for o in page.get("Contents", [])]

    def _head(self, key: str) -> int | None:
        try:
            with _translated(missing=key):
                return self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"]
        except FileNotFoundError:
            return None

    def _put(self, key: str, body) -> None:
        with _translated():
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body)

    def _delete_keys(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes 1000 keys at most
            batch = keys[start:start + 1000]
            with _translated():
                answer = self.client.delete_objects(Bucket=self.bucket, Delete={
                    "Objects": [{"Key": key} for key in batch], "Quiet": True})
            if answer.get("Errors"):
                raise StoreUnavailable(f"the photo store kept {len(answer['Errors'])} objects "
                                       "it was asked to delete")


def _spool():
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


@contextmanager
def _translated(missing: str | None = None):
    """SDK failures as the store's errors: a missing ``missing`` key is
    FileNotFoundError; unreachable, failing or refusing stores are StoreUnavailable."""
    try:
        yield
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if missing is not None and code in _NO_SUCH_KEY:
            raise FileNotFoundError(f"no object {missing}") from None
        if status in (401, 403):
            raise StoreUnavailable(f"the photo store refused the credentials ({code})") from exc
        if code == "NoSuchBucket" or status == 404:
            raise StoreUnavailable("the photo store has no such bucket") from exc
        if status >= 500:
            raise StoreUnavailable(f"the photo store failed ({status} {code})") from exc
        raise
    except BotoCoreError as exc:
        raise StoreUnavailable(f"the photo store cannot be reached: {exc}") from exc
