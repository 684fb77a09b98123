"""Configuration from environment variables, each with an embedded default.

With nothing set, the app runs on a SQLite file and a blob folder under `instance/`.
"""
import os
import secrets
from pathlib import Path

from . import json_codec

MIB = 1024 * 1024


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def from_environment(instance_path: Path) -> dict:
    blob_store = os.environ.get("BLOB_STORE", f"file://{instance_path / 'blobs'}")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'inspections.db'}"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"json_serializer": json_codec.dumps},
        "BLOB_STORE": blob_store,
        # BLOB_STORE=s3://bucket/prefix keeps photos in an S3-compatible bucket, shared by
        # every app process and machine. S3_ENDPOINT_URL: the service (unset for AWS);
        # S3_ADDRESSING: "path" (MinIO, Ceph, rclone) or "virtual" (Aliyun OSS, Tencent
        # COS); unset keys fall back to the SDK's own credentials (an instance role).
        # S3_MAX_ATTEMPTS and S3_TIMEOUT (seconds) bound how long a request waits on a
        # store that is down before it answers 503.
        **{name: os.environ.get(name, default) for name, default in (
            ("S3_ENDPOINT_URL", ""), ("S3_ADDRESSING", "path"), ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", ""),
            ("S3_MAX_ATTEMPTS", "3"), ("S3_TIMEOUT", "5"))},
        # The limits of the sync contract ("Conventions").
        "MAX_CONTENT_LENGTH": 5 * MIB,  # a JSON body; views that take more (bundles) raise it
        "MAX_PUSH_INSPECTIONS": 200,
        "MAX_BLOB_BYTES": 15 * MIB,
        "MAX_CHUNK_BYTES": 1 * MIB,
        "MAX_BUNDLE_BYTES": 100 * MIB,
        # Where the photo work after an upload runs (server/photos/jobs.py): "inline", a
        # thread of each serving process (make run); "off", separate `flask worker`
        # processes (production, beside gunicorn).
        "PHOTO_WORKER": os.environ.get("PHOTO_WORKER", "off"),
        # On SQLite, how often at most a worker copies the log into the database file once
        # an answer is sent (server/database.py, "SQLite's checkpoints").
        "SQLITE_CHECKPOINT_EVERY_S": 1.0,
        # Evidence flags and ranking (domain.md), configurable per deployment.
        "FAR_FROM_GROUP_M": float(os.environ.get("FAR_FROM_GROUP_M", 2000)),
        "RANKING_M": float(os.environ.get("RANKING_M", 2)),
        # Inspectors stay offline for days; every successful sync extends the token.
        "TOKEN_LIFETIME_DAYS": int(os.environ.get("TOKEN_LIFETIME_DAYS", 90)),
        # Only these names may appear in the Host header (and so in redirects); any
        # other host is answered 400. Ports don't matter.
        "TRUSTED_HOSTS": _list("TRUSTED_HOSTS", "127.0.0.1,localhost"),
        # Behind TLS: cookies only over https, and how many proxies' X-Forwarded-*
        # headers to believe (0: none, the app faces clients directly).
        "SECURE_COOKIES": _flag("SECURE_COOKIES")
        or os.environ.get("PREFERRED_URL_SCHEME") == "https",
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "PROXY_FIX": int(os.environ.get("PROXY_FIX", 0)),
        # Failed sign-ins allowed per account, and usernames that may fail from one
        # address (server/sign_in.py); the counts live in one process unless this points
        # at a shared store (redis://...).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "SIGN_IN_FAILURES_PER_ACCOUNT": os.environ.get(
            "SIGN_IN_FAILURES_PER_ACCOUNT", "5 per 15 minutes"),
        "SIGN_IN_ACCOUNTS_PER_ADDRESS": os.environ.get(
            "SIGN_IN_ACCOUNTS_PER_ADDRESS", "100 per 15 minutes"),
        # flask-smorest: serve the OpenAPI document at /api/v1/openapi.json
        "API_TITLE": "Inspection collector sync API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
