"""What the server holds, read straight from its database and blob store."""
import hashlib


def inspections(app) -> dict:
    from server.extensions import db
    from server.models import Inspection
    with app.app_context():
        rows = db.session.execute(db.select(Inspection)).scalars().all()
        out = {r.id: {"criteria": r.criteria, "note": r.note, "review_state": r.review_state,
                      "version": r.version, "photos": [p.to_record() for p in r.photos]} for r in rows}
        db.session.remove()
        return out


def rechecks(app) -> dict:
    from server.extensions import db
    from server.models.rectifications import Recheck
    with app.app_context():
        rows = db.session.execute(db.select(Recheck)).scalars().all()
        out = {r.id: {"rectification_id": r.rectification_id, "items": r.items, "note": r.note,
                      "review_state": r.review_state, "version": r.version,
                      "photos": [p.to_record() for p in r.photos]} for r in rows}
        db.session.remove()
        return out


def blob_bytes(app, sha: str) -> bytes | None:
    store = app.extensions["blobstore"]
    if not store.exists(sha):
        return None
    with store.open(sha) as f:
        return f.read()


def blob_sha_on_server(app, sha: str) -> str | None:
    data = blob_bytes(app, sha)
    return hashlib.sha256(data).hexdigest() if data is not None else None
