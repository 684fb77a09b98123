"""A photo's bytes to whoever may see them: one function for the API's
GET /blobs/<sha>?variant= and the supervisors' pages' /review/blobs/<sha>/<variant>.

Who may see a photo is access.py's rule; each caller asks it and passes the answer.
"""
from flask import send_file

from ..errors import Problem
from ..extensions import db
from ..models import Blob
from .images import ImageRejected, make_variants
from .ingest import ensure_blob_row
from .setup import blobstore, local_copy
from .store.contract import ORIGINAL

VARIANTS = (ORIGINAL, "display", "thumb")
# Content-addressed bytes never change, but a browser keeps them a day only, in its
# private cache: the phone keeps what it needs offline in IndexedDB, not here.
MAX_AGE = 86400


def serve_variant(sha: str, variant: str, allowed: bool):
    """The response carrying `variant` of the photo, or the 404 Problem `not_found` when
    the caller may not see it (`allowed`: access.may_read) or it is not stored."""
    if not allowed or not ensure_blob_row(sha):
        raise Problem("not_found", status=404, message="no such photo for you")
    blob = db.session.get(Blob, sha)
    mime = blob.mime if variant == ORIGINAL else "image/jpeg"
    unreadable = blob.unreadable
    # Deliberately ends the request's transaction: a derivative not made yet is made
    # below, and nothing may hold a database lock meanwhile.
    db.session.commit()
    try:
        stream = stored_variant(sha, variant, unreadable)
    except ImageRejected:
        raise Problem("not_found", status=404, message="this photo does not decode: only "
                      "its original is kept") from None
    response = send_file(stream, mimetype=mime, etag=f"{sha}-{variant}", max_age=MAX_AGE,
                         conditional=True)
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE}, immutable"
    return response


def stored_variant(sha: str, variant: str, unreadable: bool):
    """A stored derivative for reading, made now (and stored) if the photo's work has
    not reached it yet; images.ImageRejected when the photo does not decode (its work
    found it `unreadable`, or it does not now). This decodes: hold no transaction."""
    store = blobstore()
    if variant != ORIGINAL and not store.has_variant(sha, variant):
        if unreadable:  # its photo work found that it does not decode: don't try again
            raise ImageRejected("the photo does not decode")
        with local_copy(sha) as path:
            store.put_variants(sha, make_variants(path))
    return store.open(sha, variant)
