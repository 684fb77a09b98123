"""The JSON API under /api/v1 (the sync contract)."""
from flask import Flask
from flask_smorest import Blueprint

from ..extensions import csrf, rest_api

# A body or query that does not fit its schema is the contract's 400 invalid_request
# (webargs would answer 422); the OpenAPI document then says so too.
Blueprint.ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS = 400


def register_api(app: Flask) -> None:
    from . import (auth, blobs, bundle, combined, history, household_results, households, ledger,
                   places, points, pull, push, rankings, rectifications, review, rounds, rubrics,
                   stars, teams, township, users)

    for module in (auth, pull, history, push, blobs, bundle, review, rankings, household_results,
                   rounds, rectifications, combined, rubrics, teams, places, households, ledger,
                   points, stars, users, township):
        # Token-authenticated JSON calls carry no cookies to forge: no CSRF tokens.
        csrf.exempt(module.blp)
        rest_api.register_blueprint(module.blp, url_prefix="/api/v1")
