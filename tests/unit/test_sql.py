"""Plain SQL on the driver (server/sql.py), on both databases: statements bind and read
as the ORM does, and run in the session's transaction when it has one, else on their
own connection, committed at once or together in atomic()."""
from datetime import timedelta

import pytest
from flask import g

from server.extensions import db
from server.models import BlobUpload, PhotoJob, utcnow
from server.sql import Statement, _engine, atomic, insert_unless_present, session_in_transaction

SHA = "ab" * 32
OTHER = "cd" * 32
UPLOAD_LENGTH = Statement("SELECT length FROM blob_uploads WHERE sha256 = :sha")
CHANGE_LENGTH = Statement("UPDATE blob_uploads SET length = :length WHERE sha256 = :sha")


def uploads() -> dict:
    """What the ORM reads back, in a transaction of its own."""
    db.session.rollback()
    found = {row.sha256: row.length for row in db.session.scalars(db.select(BlobUpload))}
    db.session.rollback()
    return found


def test_an_insert_takes_the_models_defaults_and_reads_back_through_the_orm(app):
    with app.app_context():
        before = utcnow()
        insert_unless_present(PhotoJob, sha256=SHA)
        job = db.session.get(PhotoJob, SHA)
        assert (job.state, job.attempts) == ("pending", 0)
        assert before <= job.run_after <= utcnow() and job.created_at.tzinfo is not None


def test_a_row_already_there_is_kept(app):
    with app.app_context():
        insert_unless_present(BlobUpload, sha256=SHA, length=10)
        insert_unless_present(BlobUpload, sha256=SHA, length=99)
        assert uploads() == {SHA: 10}


def test_datetimes_compare_as_the_orm_stored_them(app):
    """The token check compares stored expiry with a bound `now`: both in one form."""
    with app.app_context():
        insert_unless_present(PhotoJob, sha256=SHA, run_after=utcnow() - timedelta(hours=1))
        insert_unless_present(PhotoJob, sha256=OTHER, run_after=utcnow() + timedelta(hours=1))
        due = Statement("SELECT sha256 FROM photo_jobs WHERE run_after <= :now")
        assert due.execute(now=utcnow()) == [(SHA,)]


def test_without_a_session_transaction_each_statement_commits_at_once(app):
    with app.app_context():
        assert not session_in_transaction()
        insert_unless_present(BlobUpload, sha256=SHA, length=10)
    with app.app_context():  # a new context, a new connection: it was committed
        assert uploads() == {SHA: 10}


def test_inside_the_sessions_transaction_statements_stand_or_fall_with_it(app):
    with app.app_context():
        insert_unless_present(BlobUpload, sha256=SHA, length=10)
        db.session.get(BlobUpload, SHA).length = 11
        db.session.flush()  # the session's transaction is open, with its change
        assert UPLOAD_LENGTH.first(sha=SHA) == (11,)  # sees it: the same transaction
        CHANGE_LENGTH.execute(sha=SHA, length=12)
        insert_unless_present(BlobUpload, sha256=OTHER, length=20)
        db.session.rollback()
        assert uploads() == {SHA: 10}


def test_atomic_commits_together(app):
    with app.app_context():
        with atomic():
            insert_unless_present(BlobUpload, sha256=SHA, length=10)
            insert_unless_present(BlobUpload, sha256=OTHER, length=20)
        assert uploads() == {SHA: 10, OTHER: 20}


def test_atomic_rolls_back_together(app):
    with app.app_context():
        with pytest.raises(RuntimeError), atomic():
            insert_unless_present(BlobUpload, sha256=SHA, length=10)
            with atomic():  # nested: part of the outer one
                insert_unless_present(BlobUpload, sha256=OTHER, length=20)
            raise RuntimeError("something after the inserts failed")
        assert uploads() == {}
        insert_unless_present(BlobUpload, sha256=SHA, length=30)  # the connection goes on
        assert uploads() == {SHA: 30}


def test_the_connection_goes_back_to_the_pool_with_the_context(app):
    with app.app_context():
        pool = _engine().pool
        for _ in range(3 * (pool.size() + 10)):  # more contexts than the pool holds
            with app.app_context():
                UPLOAD_LENGTH.first(sha=SHA)
        assert pool.checkedout() == 0


def test_on_sqlite_its_own_commits_skip_the_flush_and_the_sessions_never_do(app):
    """Its own connections hold the upload's bookkeeping, which the blob store can
    rebuild (server/sql.py): on SQLite their commits do not wait for the disk, set once
    when each is opened. Every connection the ORM session gets keeps FULL."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL commits as it always does")
        sessions = db.engine.pool
        for _ in range(3 * (sessions.size() + 10)):  # more contexts than a pool holds
            with app.app_context():
                UPLOAD_LENGTH.first(sha=SHA)
                own = g.sql.connection.driver_connection
                assert own.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
                with atomic():
                    CHANGE_LENGTH.execute(sha=SHA, length=1)
                assert db.session.execute(db.text("PRAGMA synchronous")).scalar() == 2
                db.session.commit()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        # Nothing is switched when a context takes or gives back its connection.
        with app.app_context():
            UPLOAD_LENGTH.first(sha=SHA)
            statements = []
            g.sql.connection.driver_connection.set_trace_callback(statements.append)
        for _ in range(3):
            with app.app_context():
                UPLOAD_LENGTH.first(sha=SHA)
        assert not [sql for sql in statements if "PRAGMA" in sql.upper()]


def test_its_own_connections_are_let_go_with_the_sessions(app):
    with app.app_context():
        own = _engine()
        UPLOAD_LENGTH.execute(sha=SHA)
    assert own.pool.checkedin() == 1  # back in its pool when the request ended
    with app.app_context():
        db.engine.dispose()
    assert own.pool.checkedin() == 0
