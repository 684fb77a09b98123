"""Chooses the blob store from BLOB_STORE (file://<folder> is the local folder store)."""
from pathlib import Path

from flask import Flask


def init_blobstore(app: Flask) -> None:
    from .store import LocalBlobStore

    url = app.config["BLOB_STORE"]
    if not url.startswith("file://"):
        raise RuntimeError(f"BLOB_STORE must be a file://<folder> URL, not {url!r}")
    app.extensions["blobstore"] = LocalBlobStore(Path(url[len("file://"):]))
