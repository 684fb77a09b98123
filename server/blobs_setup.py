"""Chooses the blob store from BLOB_STORE (file://... is the local folder store)."""
from pathlib import Path

from flask import Flask


def init_blobstore(app: Flask) -> None:
    from .blobstore import LocalBlobStore

    url = app.config["BLOB_STORE"]
    if url.startswith("file://"):
        store = LocalBlobStore(Path(url[len("file://"):]))
    elif url.startswith("s3://"):
        from .s3store import S3BlobStore

        store = S3BlobStore.from_url(url, partial_root=Path(app.instance_path) / "partial")
    else:
        raise RuntimeError(f"BLOB_STORE must start with file:// or s3://, not {url!r}")
    app.extensions["blobstore"] = store
