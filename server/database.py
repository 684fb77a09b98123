"""Engine settings that make SQLite behave like the server database it stands in for,
what each database is asked differently (`among`), and whether a session's transaction
has written yet."""
import sqlite3
import time
from typing import Iterable

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine

from .extensions import db


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (below), so that savepoints work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        # Inside a request the log is checkpointed after the answer (below); anywhere
        # else (commands, the photo worker) SQLite does it in the commit, as it does by
        # default. Switched only when a connection moves from one to the other.
        pages = 0 if has_request_context() else DEFAULT_AUTOCHECKPOINT
        if record.info.get(AUTOCHECKPOINT) != pages:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={pages}")
            record.info[AUTOCHECKPOINT] = pages

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        begin(connection.connection.driver_connection, "sqlite")


DEFAULT_AUTOCHECKPOINT = 1000   # pages: SQLite's own
AUTOCHECKPOINT = "wal_autocheckpoint"


# ---- SQLite's checkpoints, after the answer ----------------------------------------
# By default the commit that takes SQLite's log past 1,000 pages copies the log into the
# database file before it returns: 40 ms of a push of 200 once the tables hold a year or
# two, paid by the phone waiting for its answer. Here a request's commit only appends to
# the log (and waits for the disk, as before); once an answer is sent, the worker copies
# the log over, at most once a second (SQLITE_CHECKPOINT_EVERY_S). PASSIVE: it neither
# waits for nor blocks another worker's reads and writes. Whatever a kill interrupts,
# SQLite recovers from the log when the database is next opened.
def register_checkpoints(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        return
    checkpoints = _Checkpoints(db.engine, app.config)

    @app.after_request
    def checkpoint_after_the_answer(response):
        response.call_on_close(checkpoints.when_due)
        return response


class _Checkpoints:
    def __init__(self, engine: Engine, config):
        # The config itself, read when an answer is sent: no app context is left then.
        self.engine, self.config, self.last = engine, config, float("-inf")

    def when_due(self) -> None:
        now = time.monotonic()
        if now - self.last < self.config["SQLITE_CHECKPOINT_EVERY_S"]:
            return
        self.last = now
        connection = self.engine.raw_connection()
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.OperationalError:
            pass  # another worker is checkpointing this very moment: that one will do
        finally:
            connection.close()


def begin(driver_connection, dialect_name: str) -> None:
    """Starts a transaction on the driver's connection, SQLAlchemy's or server/sql.py's.

    SQLite: takes the write lock up front. A transaction that read first and writes
    later (a pull extending its token, a page caching a ranking) cannot wait for the
    lock and would fail with "database is locked" under concurrent writes. Sent to the
    driver itself: through SQLAlchemy this one statement costs more than most queries.
    PostgreSQL's driver begins by itself."""
    if dialect_name == "sqlite":
        driver_connection.execute("BEGIN IMMEDIATE")


def among(column, values: Iterable):
    """`column IN values`. On PostgreSQL `column = ANY(array)`: one parameter however many
    values, where IN is a placeholder each that SQLAlchemy renders and psycopg parses
    again at every execution (a push's 600 photo hashes, its 200 ids)."""
    if db.engine.dialect.name == "postgresql":
        return column == sa.any_(_array(column, values))
    return column.in_(list(values))


def not_among(column, values: Iterable):
    """`column NOT IN values` (`<> ALL(array)` on PostgreSQL), for values without NULL."""
    if db.engine.dialect.name == "postgresql":
        return column != sa.all_(_array(column, values))
    return column.not_in(list(values))


def _array(column, values: Iterable):
    return sa.bindparam(None, list(values), type_=ARRAY(column.type))


# ---- whether a session's transaction has written -----------------------------------
WROTE = "transaction_wrote"


def has_written(session) -> bool:
    """Whether the session's transaction has written anything (a flush, an INSERT,
    UPDATE or DELETE through it) or holds changes not flushed yet. The one deliberate
    early commit of a read (review/rankings.py keeping a ranking) asks this first, so it
    never commits a caller's writes with it."""
    return bool(session.info.get(WROTE) or session.new or session.dirty or session.deleted)


@event.listens_for(Session, "after_flush")
def _flushed(session, _flush_context):
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(execute_state):
    if execute_state.is_insert or execute_state.is_update or execute_state.is_delete:
        execute_state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction):
    if transaction.parent is None:   # the outermost one: committed or rolled back
        session.info.pop(WROTE, None)


# Every write request is one transaction, begun by its first statement and ended here:
# committed once when the request succeeds, rolled back otherwise. Views and domain
# functions never commit; the few deliberate early commits say why where they are
# (upload bookkeeping before a body streams: server/sql.py, photos/ingest.py; photo job
# claims: photos/jobs.py; a ranking's cache: review/rankings.py).
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def register_transactions(app: Flask) -> None:
    @app.after_request
    def end_transaction(response):
        # A request that never began a transaction has nothing to end: most photo
        # chunks write only through server/sql.py, and an empty commit still costs a
        # session made for nothing.
        if not (db.session.registry.has() and db.session().in_transaction()):
            return response
        keep = (request.method in WRITES or g.get("read_writes")) and \
            response.status_code < 400 and not g.get("refused")
        if keep:
            db.session.commit()
        else:
            db.session.rollback()
        return response


def keep_writes_of_this_read() -> None:
    """A read whose writes are kept (a pull extends the device's token): it commits like
    a write request. Any other read rolls back, so nothing it touched is saved by accident."""
    g.read_writes = True


def refuse_request() -> None:
    """The request was refused although its answer is not an error status (a page that
    redirects after flashing the problems): nothing it wrote is kept."""
    g.refused = True
