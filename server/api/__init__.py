"""The JSON API under /api/v1 (the sync contract)."""
from flask import Flask

from ..extensions import csrf, rest_api


def register_api(app: Flask) -> None:
    from . import auth, blobs, bundle, pull, push, rankings, review

    for module in (auth, pull, push, blobs, bundle, review, rankings):
        # Token-authenticated JSON calls carry no cookies to forge: no CSRF tokens.
        csrf.exempt(module.blp)
        rest_api.register_blueprint(module.blp, url_prefix="/api/v1")
