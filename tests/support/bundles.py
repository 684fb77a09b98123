"""The bundle a phone exports when it has no signal for too long: a zip of its records and
photo bytes, carried on a USB stick and posted (or imported from the command line)."""
import hashlib
import io
import json
import zipfile


def make_bundle(client_id, inspections, blobs, extra=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({
            "client_id": client_id, "exported_at": "2026-11-20T18:00:00+08:00",
            "inspections": inspections}))
        for data in blobs:
            archive.writestr(f"blobs/{hashlib.sha256(data).hexdigest()}", data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def post_bundle(session, data: bytes, name="bundle.zip"):
    return session.post("/sync/bundle", data={"bundle": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")
