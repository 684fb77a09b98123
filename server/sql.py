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
from functools import cache

from flask import Flask, g
from sqlalchemy import Table

from .database import begin
from .extensions import db
from .models.types import UTCDateTime

_PARAMETER = re.compile(r":(\w+)")


class Statement:
    def __init__(self, sql: str):
        self.sql = " ".join(sql.split())

    def execute(self, **params) -> list[tuple]:
        """Runs the statement; the rows it returns, if any."""
        dialect = _own().dialect
        return self.run({name: _bind_datetime(dialect)(value) if isinstance(value, datetime)
                         else value for name, value in params.items()})

    def run(self, bound: dict) -> list[tuple]:
        """`execute` with parameters bound already, as the driver takes them."""
        own = _own()
        if not own.in_atomic and session_in_transaction():
            connection, commit = db.session.connection().connection, False
        else:
            connection, commit = own.connect(), not own.in_atomic
        cursor = connection.cursor()
        try:
            cursor.execute(_for_driver(self.sql, own.dialect.name), bound)
            # Read to the end: an unfinished SQLite statement keeps its read open.
            rows = cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()
        if commit:
            connection.commit()
        return rows

    def first(self, **params) -> tuple | None:
        rows = self.execute(**params)
        return rows[0] if rows else None


class _Own:
    """The app context's own connection, taken from the pool when first needed and
    given back when the context ends."""

    def __init__(self):
        self.connection, self.dialect, self.in_atomic = None, db.engine.dialect, False

    def connect(self):
        if self.connection is None:
            self.connection = db.engine.raw_connection()
            if self.dialect.name == "sqlite":
                self._synchronous("NORMAL")
        return self.connection

    def release(self):
        if self.connection is not None:
            try:
                if self.dialect.name == "sqlite":
                    self._synchronous("FULL")  # as every other connection of the pool
            finally:
                self.connection.close()  # back to the pool

    def _synchronous(self, level: str) -> None:
        # What commits here without the ORM session is an upload's bookkeeping, which
        # the blob store can rebuild: its files are flushed before any 201, and a blob
        # without its row gets it back when next asked for (photos/ingest.py). So on
        # SQLite these commits don't wait for the disk while holding the one write
        # lock, which had three phones' uploads queue behind each other's flushes. A
        # process killed loses nothing (the OS holds the log); a power cut can lose
        # the last few such rows, and the next commit of the session flushes them too.
        self.connection.driver_connection.execute(f"PRAGMA synchronous={level}")


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
    @app.teardown_appcontext
    def release_connection(_exc):
        own = g.pop("sql", None)
        if own is not None:
            own.release()


@cache
def _for_driver(sql: str, dialect_name: str) -> str:
    # sqlite3 takes `:name` as it is; psycopg wants `%(name)s`.
    return sql if dialect_name == "sqlite" else _PARAMETER.sub(r"%(\1)s", sql)


@cache
def _bind_datetime(dialect):
    return UTCDateTime().dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)


def insert_unless_present(model, **values) -> None:
    """Adds a row keyed by content; if another request added it first, keeps theirs (the
    same content). Columns left out get their model's defaults, as an ORM insert would."""
    table: Table = model.__table__
    for column in _defaulted(table, frozenset(values)):
        default = column.default
        values[column.key] = default.arg(None) if default.is_callable else default.arg
    dialect = _own().dialect
    _insert_statement(table, tuple(values)).run(
        {key: _bind(table.c[key], dialect)(value) for key, value in values.items()})


@cache
def _defaulted(table: Table, given: frozenset) -> tuple:
    columns = tuple(column for column in table.columns
                    if column.key not in given and column.default is not None)
    for column in columns:
        if not (column.default.is_scalar or column.default.is_callable):
            raise TypeError(f"{table.name}.{column.name}: only plain and callable defaults")
    return columns


@cache
def _insert_statement(table: Table, keys: tuple) -> Statement:
    names = ", ".join(table.c[key].name for key in keys)
    return Statement(f"INSERT INTO {table.name} ({names}) "
                     f"VALUES ({', '.join(':' + key for key in keys)}) ON CONFLICT DO NOTHING")


@cache
def _bind(column, dialect):
    return column.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
