"""The harness of two users writing at once (tests/support/two_sessions.py), on PostgreSQL:
the second session waits for the first one's row lock, then reads its committed write."""
import pytest
import sqlalchemy as sa

from server.extensions import db
from tests.support.two_sessions import twice_at_once


def test_the_second_session_waits_for_the_first_and_reads_its_write(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers from BEGIN on: there is no 'at once'")
    db.session.remove()

    def rename_admin() -> str:
        return db.session.execute(sa.text(
            "update users set display_name = display_name || '+' where username = 'admin'"
            " returning display_name")).scalar_one()

    names, errors = twice_at_once(app, rename_admin)
    assert errors == []
    first, second = names
    assert second == first + "+"
