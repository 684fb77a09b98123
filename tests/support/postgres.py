"""A throwaway PostgreSQL cluster for the tests: started and stopped by them."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def memory_folder() -> Path | None:
    """A tmpfs for a throwaway cluster, if the machine has one: creating, copying and
    dropping databases there costs a tenth of what it costs on a busy disk, and nothing
    is left to delete on disk when the cluster stops."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb refuses root, so as root the cluster runs as the postgres user. `parent`:
    the folder its data goes in (the system's temporary folder if None)."""

    def __init__(self, bindir: Path, parent: Path | None = None):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-", dir=parent))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        self.count = 0
        self._admin: psycopg.Connection | None = None

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> "Cluster":
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        data = self.root / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-locale")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.root / "log"),
                  "-w", "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                  "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                  "-c max_connections=200", "start")
        return self

    @property
    def admin(self) -> psycopg.Connection:
        """One connection to the `postgres` database that creates and drops the others
        (a createdb process each time costs more than the copy)."""
        if self._admin is None:
            self._admin = psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                                          dbname="postgres", autocommit=True)
        return self._admin

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of the database `template`."""
        self.count += 1
        name = f"test{self.count}"
        copy = f" TEMPLATE {template}" if template else ""
        # copying the template's files beats writing them all to the WAL (15's default)
        strategy = " STRATEGY FILE_COPY" if self.admin.info.server_version >= 150000 else ""
        self.admin.execute(f"CREATE DATABASE {name}{copy}{strategy}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def drop_database(self, url: str) -> None:
        """Drops the database of `url` (made by create_database), ending any connection
        still open to it: a test's database goes when the test ends, so the cluster
        holds only the databases in use."""
        name = url.rsplit("/", 1)[1]
        force = " WITH (FORCE)" if self.admin.info.server_version >= 130000 else ""
        self.admin.execute(f"DROP DATABASE IF EXISTS {name}{force}")

    def stop(self) -> None:
        try:
            if self._admin is not None:
                self._admin.close()
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"),
                      "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def database_params():
    backends = ["sqlite", "postgresql"]
    only = os.environ.get("TEST_DATABASES")  # e.g. TEST_DATABASES=sqlite for a quick run
    return [b for b in backends if not only or b in only.split(",")]
