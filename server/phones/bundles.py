"""Bundles: sync without a network path (a zip carried on a USB stick).

`manifest.json` = {client_id, exported_at, inspections, rechecks?, ledger?} plus
`blobs/<sha256>`. Importing gives the same results as a push (ledger entries too:
`ledger_results`), and importing twice changes nothing: an entry is idempotent by id, so a
bundle applied twice spends once.
"""
import hashlib
import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from flask import current_app

from sync.ids import SHA256

from ..photos.ingest import put_verified_file, record_uploader
from ..errors import Problem, Problems
from ..extensions import db
from ..photos.images import ImageRejected
from ..models import Blob, DeviceToken, User, utcnow
from .ledger import push_ledger, refuse_records_of_a_shopkeeper
from .push import push_records

BLOB_NAME = re.compile(rf"blobs/({SHA256.pattern})")
MANIFEST_KEYS = {"client_id", "exported_at", "inspections", "rechecks", "ledger"}
MAX_MANIFEST_BYTES = 5 * 1024 * 1024


def bundle_problem(status: int, code: str, message: str,
                   fields: dict | None = None) -> Problem:
    """A bundle this server cannot take; `fields`: {name: [what is wrong]}."""
    if not fields:
        return Problem(code, status=status, message=message)
    return Problems([Problem("invalid_value", field=name, message=text)
                     for name, texts in fields.items() for text in texts],
                    code=code, status=status, message=message)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise bundle_problem(400, "invalid_request", "the bundle is not a zip file")


def _check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Only manifest.json and blobs/<sha256>: anything else may be a path trick."""
    blobs, bad = {}, []
    limit = current_app.config["MAX_BLOB_BYTES"]
    for info in archive.infolist():
        if info.is_dir() and info.filename == "blobs/":
            continue
        if info.filename == "manifest.json":
            continue
        match = BLOB_NAME.fullmatch(info.filename)
        if not match:
            bad.append(info.filename)
        elif info.file_size > limit:
            raise bundle_problem(413, "too_large", f"{info.filename} is over {limit} bytes")
        else:
            blobs[match.group(1)] = info
    if bad:
        raise bundle_problem(422, "validation_failed", "the bundle has unexpected or unsafe "
                             "member names", {"members": bad[:20]})
    return blobs


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        info = archive.getinfo("manifest.json")
    except KeyError:
        raise bundle_problem(422, "validation_failed", "the bundle has no manifest.json")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise bundle_problem(413, "too_large", "manifest.json is too large")
    try:
        manifest = json.loads(archive.read(info).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, zipfile.BadZipFile):
        raise bundle_problem(422, "validation_failed", "manifest.json is not valid JSON")
    fields = {}
    if not isinstance(manifest, dict):
        raise bundle_problem(422, "validation_failed", "manifest.json must be an object")
    unknown = set(manifest) - MANIFEST_KEYS
    if unknown:
        fields.update({key: ["unknown key"] for key in sorted(unknown)})
    if not isinstance(manifest.get("client_id"), str):
        fields["client_id"] = ["required string"]
    if not isinstance(manifest.get("inspections"), list):
        fields["inspections"] = ["required list"]
    if not isinstance(manifest.get("rechecks", []), list):
        fields["rechecks"] = ["must be a list"]
    if not isinstance(manifest.get("ledger", []), list):
        fields["ledger"] = ["must be a list"]
    if fields:
        raise bundle_problem(422, "validation_failed", "manifest.json is not a bundle manifest",
                             fields)
    limit = current_app.config["MAX_PUSH_INSPECTIONS"] * 50
    if max(len(manifest["inspections"]), len(manifest.get("rechecks", [])),
           len(manifest.get("ledger", []))) > limit:
        raise bundle_problem(413, "too_large", f"at most {limit} inspections, {limit} "
                             f"rechecks and {limit} ledger entries per bundle")
    return manifest


def _store_blobs(archive: zipfile.ZipFile, blobs: dict[str, zipfile.ZipInfo],
                 owner: User) -> dict:
    """Each blob verified (hash and image) and stored, the bundle's owner its uploader;
    returns sha → what happened."""
    outcome = {}
    with tempfile.TemporaryDirectory() as workdir:
        for sha, info in blobs.items():
            path = Path(workdir) / sha
            digest = hashlib.sha256()
            with archive.open(info) as source, path.open("wb") as target:
                for piece in iter(lambda: source.read(1 << 20), b""):
                    digest.update(piece)
                    target.write(piece)
            if digest.hexdigest() != sha:
                outcome[sha] = "hash_mismatch"
                continue
            # Hashed even when present: only bytes shown to match make their sender
            # an uploader.
            if db.session.get(Blob, sha) is not None:
                outcome[sha] = "present"
            else:
                try:
                    put_verified_file(sha, path)
                    outcome[sha] = "stored"
                except ImageRejected as exc:
                    outcome[sha] = exc.code
                    continue
            record_uploader(sha, owner.id)
    return outcome


def owner_of(client_id: str) -> User | None:
    device = db.session.execute(db.select(DeviceToken).where(
        DeviceToken.client_id == client_id)).scalar_one_or_none()
    return device.user if device else None


def import_bundle(path: Path, caller: User | None = None) -> dict:
    """Imports a bundle; `caller` (API) must be its owner or a reviewer of its township.
    The caller commits."""
    with _open_zip(path) as archive:
        blobs = _check_members(archive)
        manifest = _read_manifest(archive)
        owner = owner_of(manifest["client_id"])
        if owner is None:
            raise bundle_problem(422, "validation_failed", "the bundle comes from a device this "
                                 "server does not know", {"client_id": ["unknown device"]})
        if caller is not None and caller.id != owner.id and not (
                caller.can_review and caller.township_id == owner.township_id):
            raise bundle_problem(403, "forbidden", "this bundle belongs to another inspector")
        refuse_records_of_a_shopkeeper(owner, manifest["inspections"],
                                       manifest.get("rechecks", []))
        blob_outcomes = _store_blobs(archive, blobs, owner)
    results, recheck_results = push_records(owner, manifest["client_id"],
                                            manifest["inspections"], manifest.get("rechecks", []))
    answer = {"results": results, "recheck_results": recheck_results, "blobs": blob_outcomes}
    if "ledger" in manifest:  # as a push: entries recorded by the bundle's owner
        answer["ledger_results"] = push_ledger(owner, manifest["ledger"])
    return {**answer, "server_time": utcnow().isoformat()}


def save_upload(storage, directory: str) -> Path:
    """The uploaded bundle, copied to a file (werkzeug may hold it in memory or a temp file)."""
    path = Path(directory) / "bundle.zip"
    with path.open("wb") as target:
        shutil.copyfileobj(storage.stream, target, 1 << 20)
    return path
