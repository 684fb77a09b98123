"""Photos up, resumable and content-addressed (tus-like): check, HEAD, PATCH, GET."""

from flask import current_app, request, send_file
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.ids import SHA256, is_sha256

from ..auth import authenticate, caller, roles_required
from ..photos.ingest import (announce_length, blobstore, ensure_blob_row, open_variant,
                             publish_partial, upload_state)
from ..photos.store import AlreadyComplete, ChunkTooLarge, HashMismatch, OffsetMismatch
from ..errors import ApiError
from ..extensions import db
from ..photos.images import ImageRejected
from ..models import Blob
from ..sql import session_in_transaction
from ..photos.access import may_read

blp = Blueprint("api_blobs", __name__, description="Resumable photo uploads")

VARIANTS = ("original", "display", "thumb")
# The document says what the views enforce (sync-protocol.md, "Blobs"), so that a
# client built from it, or a fuzzer, can make the requests a phone makes.
SHA_IN_PATH = [{"in": "path", "name": "sha", "required": True,
                "schema": {"type": "string", "pattern": f"^{SHA256.pattern}$"}}]
CHUNK = {
    "parameters": [{"in": "header", "name": name, "required": True,
                    "schema": {"type": "integer", "minimum": 0}}
                   for name in ("Upload-Offset", "Upload-Length")],
    "requestBody": {"required": True, "content": {
        "application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
}
OFFSETS = {name: {"schema": {"type": "integer"}} for name in ("Upload-Offset", "Upload-Length")}


class BlobRef(Schema):
    sha256 = fields.String(required=True, validate=validate.Regexp(f"^{SHA256.pattern}$"))
    size = fields.Integer(required=True, validate=validate.Range(min=1))


class CheckRequest(Schema):
    blobs = fields.List(fields.Nested(BlobRef), required=True,
                        validate=validate.Length(max=5000))


class MissingBlob(Schema):
    sha256 = fields.String()
    offset = fields.Integer()


class CheckResponse(Schema):
    missing = fields.List(fields.Nested(MissingBlob))


def checked_sha(sha: str) -> str:
    if not is_sha256(sha):
        raise ApiError(400, "invalid_request", "the blob name must be 64 lowercase hex characters")
    return sha


def offset_headers(offset: int, length: int | None) -> dict:
    headers = {"Upload-Offset": str(offset), "Tus-Resumable": "1.0.0"}
    if length is not None:
        headers["Upload-Length"] = str(length)
    return headers


@blp.route("/blobs/check", methods=["POST"])
@roles_required()
@blp.arguments(CheckRequest)
@blp.response(200, CheckResponse)
def check(body):
    limit = current_app.config["MAX_BLOB_BYTES"]
    too_big = {f"blobs.{n}.size": [f"at most {limit} bytes"]
               for n, b in enumerate(body["blobs"]) if b["size"] > limit}
    if too_big:
        raise ApiError(413, "too_large", "a blob is over the size limit", too_big)
    missing = []
    for ref in body["blobs"]:
        if not ensure_blob_row(ref["sha256"]):
            missing.append({"sha256": ref["sha256"],
                            "offset": blobstore().partial_offset(ref["sha256"]) or 0})
    return {"missing": missing}


@blp.route("/blobs/<sha>", methods=["HEAD"], parameters=SHA_IN_PATH)
@roles_required()
@blp.response(200)
def head(sha):
    state = upload_state(checked_sha(sha))
    if state.size is not None:
        return "", 200, offset_headers(state.size, state.size)
    offset = blobstore().partial_offset(sha)
    if offset is None:
        raise ApiError(404, "not_found", "the server has no bytes of this blob")
    return "", 200, offset_headers(offset, state.length)


def header_int(name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit():
        raise ApiError(400, "invalid_request", f"{name} must be a non-negative integer",
                       {name: ["missing or not a non-negative integer"]})
    return int(value)


def already_complete(size: int, offset: int):
    """201 for a chunk that ends where the complete blob does, else 409 with its size."""
    if offset == size:
        return "", 201, offset_headers(size, size)
    raise ApiError(409, "offset_mismatch", "the blob is complete already",
                   headers=offset_headers(size, size))


@blp.route("/blobs/<sha>", methods=["PATCH"], parameters=SHA_IN_PATH)
@roles_required()
@blp.doc(**CHUNK)
@blp.response(204, description="the chunk is stored; more bytes are expected", headers=OFFSETS)
@blp.alt_response(201, description="the last byte arrived: the blob is complete",
                  headers=OFFSETS)
def patch(sha):
    sha = checked_sha(sha)
    config = current_app.config
    # The store enforces the chunk limit while streaming; werkzeug's own limit would
    # refuse a chunk of exactly the limit once it has been read to its end.
    request.max_content_length = None
    if request.mimetype != "application/offset+octet-stream":
        raise ApiError(415, "unsupported_media",
                       "Content-Type must be application/offset+octet-stream")
    offset, length = header_int("Upload-Offset"), header_int("Upload-Length")
    if length == 0 or offset > length:
        raise ApiError(400, "invalid_request", "Upload-Offset must lie within Upload-Length")
    if length > config["MAX_BLOB_BYTES"]:
        raise ApiError(413, "too_large", f"a blob is at most {config['MAX_BLOB_BYTES']} bytes")
    state = upload_state(sha)
    if state.size is not None:
        return already_complete(state.size, offset)
    if (request.content_length or 0) > config["MAX_CHUNK_BYTES"]:
        raise ApiError(413, "too_large", f"a chunk is at most {config['MAX_CHUNK_BYTES']} bytes")
    if (request.content_length or 0) > length - offset:
        raise ApiError(400, "invalid_request", "the chunk goes past Upload-Length")
    if state.length != length:
        # The first chunk fixes the total length; later chunks must agree.
        if state.length is not None and blobstore().partial_offset(sha):
            raise ApiError(400, "invalid_request", "Upload-Length differs from the one "
                           f"this upload started with ({state.length})",
                           {"Upload-Length": ["changed during the upload"]})
        announce_length(sha, length, state.length)
    limit = min(config["MAX_CHUNK_BYTES"], length - offset)  # also for chunked bodies
    user_id = caller().user_id
    # No transaction while the body streams in and the bytes are hashed: on SQLite every
    # transaction holds the write lock, and one slow phone would stall every other.
    if session_in_transaction():
        db.session.commit()
    try:
        new_offset = blobstore().append(sha, offset, request.stream, limit)
    except AlreadyComplete as exc:
        raise ApiError(409, "offset_mismatch", "the blob is complete already",
                       headers=offset_headers(exc.current_offset, length))
    except OffsetMismatch as exc:
        raise ApiError(409, "offset_mismatch",
                       f"expected offset {exc.current_offset}, not {offset}",
                       headers=offset_headers(exc.current_offset, length))
    except ChunkTooLarge:
        raise ApiError(413, "too_large", f"this chunk may carry at most {limit} bytes")
    if new_offset < length:
        return "", 204, offset_headers(new_offset, length)
    try:
        publish_partial(sha, length, user_id)
    except HashMismatch:
        raise ApiError(422, "hash_mismatch",
                       "the bytes do not match the SHA-256 in the URL; upload them again")
    except ImageRejected as exc:
        raise ApiError(413 if exc.code == "too_large" else 415, exc.code, exc.message)
    return "", 201, offset_headers(length, length)


@blp.route("/blobs/<sha>", methods=["GET"], parameters=SHA_IN_PATH)
@roles_required()
@blp.response(200)
def read(sha):
    sha = checked_sha(sha)
    variant = request.args.get("variant", "original")
    if variant not in VARIANTS:
        raise ApiError(400, "invalid_request", f"variant must be one of {', '.join(VARIANTS)}",
                       {"variant": ["unknown variant"]})
    if not may_read(authenticate(), sha, variant) or not ensure_blob_row(sha):
        raise ApiError(404, "not_found", "no such photo for you")
    mime = db.session.get(Blob, sha).mime if variant == "original" else "image/jpeg"
    db.session.commit()  # a derivative not made yet is made now: no lock held meanwhile
    try:
        stream = open_variant(sha, variant)
    except ImageRejected:
        raise ApiError(404, "not_found", "this photo does not decode: only its original "
                       "is kept")
    response = send_file(stream, mimetype=mime, etag=f"{sha}-{variant}",
                         max_age=365 * 86400, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
