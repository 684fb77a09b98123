"""/healthz: which part is down, for a load balancer or a person. No sign-in, no secrets."""
from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..photos.ingest import blobstore
from ..photos.store import StoreUnavailable
from .blueprints import pages as bp


@bp.route("/healthz")
def healthz():
    parts = {"database": _state(_database), "blob_store": _state(lambda: blobstore().check())}
    response = jsonify(parts)
    response.status_code = 200 if all(state == "ok" for state in parts.values()) else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def _state(check) -> str:
    try:
        check()
    except (SQLAlchemyError, StoreUnavailable) as exc:
        current_app.logger.warning("health check failed: %s", exc)
        return "down"
    return "ok"
