"""Engine settings that make SQLite behave like the server database it stands in for."""
from sqlalchemy import event
from sqlalchemy.engine import Engine


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

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        begin(connection.connection.driver_connection, "sqlite")


def begin(driver_connection, dialect_name: str) -> None:
    """Starts a transaction on the driver's connection, SQLAlchemy's or server/sql.py's.

    SQLite: takes the write lock up front. A transaction that read first and writes
    later (a pull extending its token, a page caching a ranking) cannot wait for the
    lock and would fail with "database is locked" under concurrent writes. Sent to the
    driver itself: through SQLAlchemy this one statement costs more than most queries.
    PostgreSQL's driver begins by itself."""
    if dialect_name == "sqlite":
        driver_connection.execute("BEGIN IMMEDIATE")
