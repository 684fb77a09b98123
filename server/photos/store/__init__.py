"""Content-addressed photo storage with resumable (tus-like) uploads: plain library
code, no Flask, no database.

* ``contract.py``: what every store does (``BlobStore``), and the names and limits
  they share;
* ``folder.py``: a local folder (one host; file locks between its processes);
* ``s3.py``: an S3-compatible bucket (any number of machines; one object per chunk);
* ``errors.py``: what goes wrong, as codes and data.

Life of an upload (``server/photos/ingest.py`` drives it)::

    store.append(sha, offset, stream, length_limit)   # repeated, in any process
    # when the offset reaches the upload's length: one read of store.open_partial(sha)
    # checks the hash (else store.discard_partial(sha)) and the image header, then
    store.publish(sha)
    # later, off the request path (server/photos/jobs.py):
    store.put_variants(sha, images.make_variants(<a local copy of store.open(sha)>))
"""
from pathlib import Path

from .contract import BlobStore, validate_sha
from .errors import (AlreadyComplete, BlobStoreError, ChunkTooLarge, HashMismatch,
                     OffsetMismatch, StoreUnavailable)
from .folder import LocalBlobStore

__all__ = ["open_store", "BlobStore", "LocalBlobStore", "validate_sha", "BlobStoreError",
           "OffsetMismatch", "AlreadyComplete", "ChunkTooLarge", "HashMismatch",
           "StoreUnavailable"]


def open_store(url: str, settings) -> BlobStore:
    """The store a BLOB_STORE URL names: ``file://<folder>``, or ``s3://bucket/prefix``
    with ``settings`` holding the S3_* and AWS_* values (server/config.py)."""
    if url.startswith("file://"):
        return LocalBlobStore(Path(url[len("file://"):]))
    if url.startswith("s3://"):
        from .s3 import S3BlobStore  # boto3 loads only where a bucket is used

        return S3BlobStore.from_url(url, settings)
    raise RuntimeError(f"BLOB_STORE must be file://<folder> or s3://bucket/prefix, not {url!r}")
