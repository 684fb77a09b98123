"""A server whose worker stops at a chosen moment of a request and says so, so that a test
kills it exactly there instead of after a guessed sleep.

This module is both ends. `pause_env(port)` is the environment that makes gunicorn load
it as its configuration (`ServerProcess(env=...)`); its hooks then pause the worker
 - in a push, right after the first statement that writes inspections: inside the push's
   transaction, before its commit and before its answer;
 - in a photo chunk marked with a `Pause-After-Bytes: N` header, when the app asks the
   body for more than the N bytes the client sent: every byte sent is then in the app's
   hands, and the worker would wait for the rest anyway.
A paused worker tells the test (`PausePoint.wait`) what it reached and waits until the
test closes that connection or kills it. Each moment pauses once per worker process, and
only while the test listens: after a restart, or once the test has heard its moment, the
worker runs as usual.
"""
import os
import re
import socket
from pathlib import Path

PORT_VARIABLE = "PAUSE_PORT"
WRITES_INSPECTIONS = re.compile(r"^\s*INSERT INTO inspections\b", re.IGNORECASE)
_armed = {"push": True, "upload": True}


def pause_env(port: int) -> dict:
    return {"GUNICORN_CMD_ARGS": f"--config python:{__name__}", PORT_VARIABLE: str(port)}


class PausePoint:
    """The test's end: listens for the worker that has paused."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.paused = None

    def wait(self, timeout: float = 60) -> str:
        """Waits for the worker to pause; returns what it reached. Stops listening, so
        nothing pauses again."""
        self.listener.settimeout(timeout)
        try:
            self.paused, _ = self.listener.accept()
        except TimeoutError:
            raise AssertionError(f"the server did not pause within {timeout} s") from None
        finally:
            self.listener.close()
        self.paused.settimeout(timeout)
        return self.paused.makefile("r", encoding="utf-8").readline().strip()

    def close(self) -> None:
        self.listener.close()
        if self.paused:
            self.paused.close()


def pause(moment: str, said: str) -> None:
    """In the worker: tells the listening test `said` and waits until it lets go (closes
    the connection) or kills the process. Goes on at once if no test listens."""
    if not _armed[moment]:
        return
    _armed[moment] = False
    try:
        connection = socket.create_connection(("127.0.0.1", int(os.environ[PORT_VARIABLE])))
    except (OSError, KeyError, ValueError):
        return
    with connection:
        connection.sendall(said.encode() + b"\n")
        connection.recv(1)


class BodyThatPauses:
    """A request body that pauses the worker when the app asks it for bytes beyond the
    `sent` that the client sent (gunicorn's body would block on them)."""

    def __init__(self, body, sent: int):
        self.body, self.sent, self.taken = body, sent, 0

    def _before(self, size) -> None:
        if size is None or size < 0 or self.taken + size > self.sent:
            pause("upload", f"upload: the app has taken {self.taken} bytes of the body")

    def read(self, size=None):
        self._before(size)
        data = self.body.read(size)
        self.taken += len(data)
        return data

    def readline(self, size=None):
        self._before(size)
        data = self.body.readline(size)
        self.taken += len(data)
        return data

    def __iter__(self):
        return iter(self.readline, b"")


# gunicorn's settings and server hooks (read from this module by `--config python:...`,
# which replaces gunicorn.conf.py): the deployed settings first, so that the kill lands
# in the server as deployed (its worker class and threads above all), then the hooks.
exec(compile((Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text(),
             "gunicorn.conf.py", "exec"))

def post_worker_init(worker):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "after_cursor_execute")
    def after_execute(conn, cursor, statement, parameters, context, executemany):
        if WRITES_INSPECTIONS.match(statement):
            pause("push", "push: inspections written, not committed")


def pre_request(worker, req):
    sent = dict(req.headers).get("PAUSE-AFTER-BYTES")
    if sent is not None:
        req.body = BodyThatPauses(req.body, int(sent))
