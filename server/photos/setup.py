"""The app's blob store, chosen once from BLOB_STORE (server/config.py)."""
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app

from .store import BlobStore, open_store


def init_blobstore(app: Flask) -> None:
    app.extensions["blobstore"] = open_store(app.config["BLOB_STORE"], app.config)


def blobstore() -> BlobStore:
    return current_app.extensions["blobstore"]


@contextmanager
def local_copy(sha: str):
    """The complete blob as a file on this machine (the store may be remote), removed
    afterwards."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    with blobstore().open(sha) as original, tempfile.NamedTemporaryFile(
            dir=current_app.instance_path, prefix="photo-", delete=False) as copy:
        shutil.copyfileobj(original, copy)
    path = Path(copy.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
