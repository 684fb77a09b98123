"""Apps for tests and benchmarks: a fresh database and blob folder each time."""
from pathlib import Path

from flask import Flask

from server import create_app
from server.changes import ensure_counter
from server.extensions import db


def make_app(tmp_path: Path, database_url: str | None = None, seed: str | None = "demo",
             *, prepared: bool = False, **config) -> Flask:
    """A new app on its own database; seed is "demo", "bare" or None. `prepared`: the
    database holds its schema and seed already (a copy of one made earlier)."""
    tmp_path = Path(tmp_path)
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_path / 'test.db'}",
        "BLOB_STORE": f"file://{tmp_path / 'blobs'}",
        "PHOTO_WORKER": "off",  # tests run the photo work themselves (tests/support/photos.py)
        **config,
    })
    if prepared:
        return app
    with app.app_context():
        if database_url:
            db.drop_all()
        db.create_all()
        ensure_counter(db.session)
        db.session.commit()
        if seed:
            from server.demo import seed_demo

            seed_demo(bare=(seed == "bare"))
            db.session.commit()
    return app
