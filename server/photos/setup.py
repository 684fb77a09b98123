"""Chooses the blob store from BLOB_STORE: file://<folder> is the local folder store,
s3://bucket/prefix a bucket of an S3-compatible service (server/config.py)."""
from pathlib import Path

from flask import Flask


def init_blobstore(app: Flask) -> None:
    app.extensions["blobstore"] = blobstore_from_url(app.config["BLOB_STORE"], app.config)


def blobstore_from_url(url: str, settings):
    """The store a BLOB_STORE URL names; ``settings`` holds the S3_* and AWS_* values."""
    if url.startswith("file://"):
        from .store import LocalBlobStore

        return LocalBlobStore(Path(url[len("file://"):]))
    if url.startswith("s3://"):
        from .s3store import S3BlobStore

        return S3BlobStore.from_url(url, settings)
    raise RuntimeError(f"BLOB_STORE must be file://<folder> or s3://bucket/prefix, not {url!r}")
