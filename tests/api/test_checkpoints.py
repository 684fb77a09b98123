"""On SQLite, a request's commit only appends to the log; the log is copied into the
database file once the answer has been sent (server/database.py). Elsewhere (commands,
the photo worker) SQLite copies it in the commit, as it does by default."""
import os

import pytest

from server.extensions import db
from tests.support.factories import inspection


@pytest.fixture
def database_file(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL checkpoints in the background by itself")
        return db.engine.url.database


def test_a_push_answers_before_its_log_is_copied_over(app, phone, ref, database_file):
    # ~5 MB of notes, in rows and revisions: past SQLite's 1,000 pages of log in one
    # commit, which by default copies the log over before it returns.
    payloads = [inspection(ref["round"]["id"], ref["assigned"][0], note="x" * 10_000)
                for _ in range(200)]
    # After every answer, not once a second: the sign-in and pulls before it answered
    # within the same second on a fast machine.
    app.config["SQLITE_CHECKPOINT_EVERY_S"] = 0
    before = os.path.getsize(database_file)
    response = phone.post("/sync/push", json={"client_id": phone.client_id,
                                              "inspections": payloads}, buffered=False)
    assert response.status_code == 200
    assert {r["outcome"] for r in response.get_json()["results"]} == {"applied"}
    assert os.path.getsize(database_file) == before   # committed, all in the log
    response.close()                                  # the answer is sent
    assert os.path.getsize(database_file) > before


def test_a_command_copies_the_log_in_its_commit(app, database_file):
    with app.app_context():
        before = os.path.getsize(database_file)
        db.session.execute(db.text("CREATE TABLE scratch (payload BLOB)"))
        db.session.execute(db.text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
            " INSERT INTO scratch SELECT randomblob(4000) FROM n"))
        db.session.commit()
        assert os.path.getsize(database_file) > before
