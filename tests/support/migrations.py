"""The `flask` command in its own process on a given database, as an operator runs the
migrations: nothing of the test's app (its engine, its tables) is shared."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def flask_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "x", "PATH": "/usr/bin:/bin",
           "BLOB_STORE": "file:///tmp/unused-blobs"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "server", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True)
