"""The `flask` command in its own process on a given database, as an operator runs the
migrations: nothing of the test's app (its engine, its tables) is shared."""
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def flask_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "x", "PATH": "/usr/bin:/bin",
           "BLOB_STORE": "file:///tmp/unused-blobs"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "server", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def empty_database_url(app, database_url: str | None, tmp_path: Path) -> str:
    """A database with no tables for the migrations to build: a new SQLite file, or the
    test's PostgreSQL database emptied of what the fixture's create_all made there."""
    if database_url is None:
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    from server.extensions import db

    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    return database_url


# A township with one village and one group, as rows written before a migration.
ONE_GROUP = (
    "INSERT INTO townships (id, name, is_demo, display_precision) VALUES (1, '甲乡', false, 1)",
    "INSERT INTO villages (id, township_id, name) VALUES (1, 1, '村')",
    "INSERT INTO villager_groups (id, village_id, name) VALUES (1, 1, '一组')",
)


def upgraded_over(app, database_url: str | None, tmp_path: Path, revision: str,
                  *statements: str):
    """An engine on a database migrated up to `revision`, given the rows `statements`
    write, then upgraded to the head as an operator does (dispose it when done)."""
    url = empty_database_url(app, database_url, tmp_path)
    assert flask_cli(url, "db", "upgrade", revision).returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement))
    upgrade = flask_cli(url, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    return engine
