"""A real server process (gunicorn) on a fresh database, for tests that kill it."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, workdir: Path, database_url: str | None = None, workers: int = 1,
                 env: dict | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.workers = workers
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url or f"sqlite:///{self.workdir / 'server.db'}",
            "BLOB_STORE": f"file://{self.workdir / 'blobs'}",
            "SECRET_KEY": "live-test-secret",
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def flask(self, *args: str) -> str:
        return subprocess.run([str(VENV_BIN / "flask"), "--app", "server", *args], cwd=ROOT,
                              env=self.env, check=True, capture_output=True, text=True).stdout

    def prepare(self) -> "ServerProcess":
        self.flask("db", "upgrade")
        self.flask("seed-demo", "--bare")
        return self

    def start(self) -> "ServerProcess":
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-w", str(self.workers), "-b",
             f"127.0.0.1:{self.port}", "--timeout", "60", "server:create_app()"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "server.log").open("ab"),
            start_new_session=True)
        # the answer to a request is the state waited for; the deadline only ends a wait
        # for a server that will never answer, so it allows for a machine under load
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.workdir / 'server.log'}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/v1/openapi.json")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """SIGKILL the whole process group: master and workers die mid-request."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        # Workers are children of the master: wait until none holds the port.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.05)
            except OSError:
                return

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()
