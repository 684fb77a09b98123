"""Plain SQL on the database driver, for the few statements every photo chunk runs.

Through SQLAlchemy each of them costs more CPU than the rest of a chunk's request, and the
PATCH that completes a photo runs six (targets P8: at most 5 ms beyond hashing). Here they
go straight to a driver's cursor. Everything else uses the ORM.

Where they run: inside the ORM session's transaction when it has one, so that they see
and join what the request did through the ORM; otherwise on a connection of their own,
each statement committed at once, or together within `atomic()`.

A statement is written once for SQLite and PostgreSQL: `:name` parameters, no casts, and
nothing but what both databases mean the same by. Values are bound as the columns'
types bind them (datetimes in UTC, as UTCDateTime stores them).
"""
import re
from contextlib import contextmanager
from datetime import datetime
from functools import cache, cached_property

from flask import Flask, current_app, g
from sqlalchemy import Engine, Table, create_engine, event

from .database import begin, configure_engine
from .extensions import db
from .models.types import UTCDateTime

_PARAMETER = re.compile(r":(\w+)")


class Statement:
    def __init__(self, sql: str):
        self.sql = " ".join(sql.split())

    def execute(self, **params) -> list[tuple]:
        """Runs the statement; the rows it returns, if any."""
        own = _own()
        return self.run({name: _bind_datetime(own.dialect)(value)
                         if isinstance(value, datetime) else value
                         for name, value in params.items()}, own)

    def run(self, bound: dict, own: "_Own | None" = None) -> list[tuple]:
        """`execute` with parameters bound already, as the driver takes them."""
        own = own or _own()
        if not own.in_atomic and session_in_transaction():
            connection, commit = db.session.connection().connection, False
        else:
            connection, commit = own.connect(), not own.in_atomic
        cursor = connection.driver_connection.cursor()
        try:
            cursor.execute(self.sql if own.dialect.name == "sqlite" else self.for_psycopg, bound)
            # Read to the end: an unfinished SQLite statement keeps its read open.
            rows = cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()
        if commit:
            connection.commit()
        return rows

    @cached_property
    def for_psycopg(self) -> str:
        # sqlite3 takes `:name` as it is; psycopg wants `%(name)s`.
        return _PARAMETER.sub(r"%(\1)s", self.sql)

    def first(self, **params) -> tuple | None:
        rows = self.execute(**params)
        return rows[0] if rows else None


class _Own:
    """The app context's own connection, taken from the pool when first needed and
    given back when the context ends."""

    def __init__(self):
        self.engine = _engine()
        self.connection, self.dialect, self.in_atomic = None, self.engine.dialect, False

    def connect(self):
        if self.connection is None:
            self.connection = self.engine.raw_connection()
        return self.connection

    def release(self):
        if self.connection is not None:
            self.connection.close()  # back to the pool


# What commits here without the ORM session is an upload's bookkeeping, which the blob
# store can rebuild: its files are flushed before any 201, and a blob without its row
# gets it back when next asked for (photos/ingest.py). So on SQLite these commits don't
# wait for the disk while holding the one write lock, which had three phones' uploads
# queue behind each other's flushes. A process killed loses nothing (the OS holds the
# log); a power cut can lose the last few such rows, and the next commit of the session
# flushes them too. They get connections of their own, set so once when opened: every
# connection the ORM session may be given keeps waiting for the disk, and no request
# pays for switching one back and forth.
BOOKKEEPING = "sql_bookkeeping_engine"


def _engine():
    return current_app.extensions.get(BOOKKEEPING) or db.engine


def _bookkeeping_engine(engine: Engine) -> Engine:
    own = create_engine(engine.url)
    configure_engine(own)  # as the session's: WAL, foreign keys, busy timeout

    @event.listens_for(own, "connect")
    def commit_without_waiting_for_the_disk(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(engine, "engine_disposed")
    def with_the_sessions(_engine):
        own.dispose()  # its connections are let go with the session's (a file replaced)
    return own


def _own() -> _Own:
    own = g.get("sql")
    if own is None:
        own = g.sql = _Own()
    return own


def session_in_transaction() -> bool:
    """Whether the request's ORM session has begun a transaction (asked without making a
    session where there is none)."""
    return db.session.registry.has() and db.session().in_transaction()


@contextmanager
def atomic():
    """The statements within stand or fall together (joining the session's transaction
    when it has one)."""
    own = _own()
    if own.in_atomic or session_in_transaction():
        yield
        return
    connection = own.connect()
    begin(connection.driver_connection, own.dialect.name)
    own.in_atomic = True
    try:
        yield
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        own.in_atomic = False


def init_app(app: Flask) -> None:
    with app.app_context():
        url = db.engine.url
        # (An in-memory database is one connection's own: there it shares the session's.)
        if url.get_backend_name() == "sqlite" and ":memory:" not in (url.database or ":memory:"):
            app.extensions[BOOKKEEPING] = _bookkeeping_engine(db.engine)

    @app.teardown_appcontext
    def release_connection(_exc):
        own = g.pop("sql", None)
        if own is not None:
            own.release()


@cache
def _bind_datetime(dialect):
    return UTCDateTime().dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)


def insert_unless_present(model, **values) -> None:
    """Adds a row keyed by content; if another request added it first, keeps theirs (the
    same content). Columns left out get their model's defaults, as an ORM insert would."""
    own = _own()
    statement, defaults, binders = _insert_plan(model.__table__, tuple(values), own.dialect)
    for key, default in defaults:
        values[key] = default.arg(None) if default.is_callable else default.arg
    statement.run({key: bind(values[key]) for key, bind in binders}, own)


@cache
def _insert_plan(table: Table, given: tuple, dialect) -> tuple:
    """For an insert of the `given` columns: its statement, the defaults of the columns
    left out, and how each value is bound; worked out once, not for every photo."""
    defaulted = tuple(column for column in table.columns
                      if column.key not in given and column.default is not None)
    for column in defaulted:
        if not (column.default.is_scalar or column.default.is_callable):
            raise TypeError(f"{table.name}.{column.name}: only plain and callable defaults")
    keys = given + tuple(column.key for column in defaulted)
    names = ", ".join(table.c[key].name for key in keys)
    statement = Statement(f"INSERT INTO {table.name} ({names}) VALUES "
                          f"({', '.join(':' + key for key in keys)}) ON CONFLICT DO NOTHING")
    return (statement, tuple((column.key, column.default) for column in defaulted),
            tuple((key, _bind(table.c[key], dialect)) for key in keys))


def _bind(column, dialect):
    return column.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
