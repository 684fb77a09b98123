"""Engine settings that make SQLite behave like the server database it stands in for."""
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (below), so savepoints work and a writing
        # transaction takes the write lock up front instead of failing to upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        writing = not has_request_context() or request.method in WRITE_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
