"""A throwaway PostgreSQL cluster for the tests: started and stopped by them."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb refuses root, so as root the cluster runs as the postgres user."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-"))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        self.count = 0

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

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of the database `template`."""
        self.count += 1
        name = f"test{self.count}"
        copy = ["-T", template] if template else []
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", *copy, name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"),
                      "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def database_params():
    backends = ["sqlite", "postgresql"]
    only = os.environ.get("TEST_DATABASES")  # e.g. TEST_DATABASES=sqlite for a quick run
    return [b for b in backends if not only or b in only.split(",")]
