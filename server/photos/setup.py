"""The app's blob store, chosen once from BLOB_STORE (server/config.py)."""
from flask import Flask, current_app

from .store import BlobStore, open_store


def init_blobstore(app: Flask) -> None:
    app.extensions["blobstore"] = open_store(app.config["BLOB_STORE"], app.config)


def blobstore() -> BlobStore:
    return current_app.extensions["blobstore"]
