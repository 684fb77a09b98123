"""`among` and `not_among` (server/database.py) select what IN and NOT IN select, on both
databases (PostgreSQL is asked with one array parameter instead)."""
import pytest

from server.database import among, not_among
from server.extensions import db
from server.models import Blob

SHAS = [f"{n:064x}" for n in range(1, 8)]


@pytest.fixture
def blobs(app):
    with app.app_context():
        db.session.add_all(Blob(sha256=sha, size=1, mime="image/jpeg", width=1, height=1)
                           for sha in SHAS)
        db.session.commit()
        yield


@pytest.mark.parametrize("asked", [[], SHAS[:1], SHAS[2:5] + ["f" * 64], set(SHAS), {"e" * 64}])
def test_they_select_what_in_and_not_in_select(blobs, asked):
    def shas(condition):
        return set(db.session.scalars(db.select(Blob.sha256).where(condition)))

    assert shas(among(Blob.sha256, asked)) == set(SHAS) & set(asked)
    assert shas(not_among(Blob.sha256, asked)) == set(SHAS) - set(asked)
