"""Photos up, resumable and content-addressed (tus-like): check, HEAD, PATCH, GET.
The upload's rules are photos/ingest.py's; serving a photo is photos/serving.py's."""

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.ids import SHA256, is_sha256

from ..auth import PHONE_SYNC, authenticate, caller, roles_required
from ..errors import Problem, error_response
from ..photos.access import may_read
from ..photos.ingest import StaleOffset, missing, progress, receive_chunk
from ..photos.serving import VARIANTS, serve_variant

blp = Blueprint("api_blobs", __name__, description="Resumable photo uploads")

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
        raise Problem("not_sha256", status=400,
                      message="the blob name must be 64 lowercase hex characters")
    return sha


def offset_headers(offset: int, length: int | None) -> dict:
    headers = {"Upload-Offset": str(offset), "Tus-Resumable": "1.0.0"}
    if length is not None:
        headers["Upload-Length"] = str(length)
    return headers


@blp.errorhandler(StaleOffset)
def stale_offset(problem: StaleOffset):
    """The contract's 409: the error shape, and where to resume in the headers."""
    response = error_response(problem)
    response.headers.update(offset_headers(problem.offset, problem.length))
    return response


@blp.route("/blobs/check", methods=["POST"])
@roles_required(*PHONE_SYNC)  # a redeem's photo too
@blp.arguments(CheckRequest)
@blp.response(200, CheckResponse)
def check(body):
    return {"missing": missing(body["blobs"])}


@blp.route("/blobs/<sha>", methods=["HEAD"], parameters=SHA_IN_PATH)
@roles_required(*PHONE_SYNC)  # a redeem's photo too
@blp.response(200)
def head(sha):
    held = progress(checked_sha(sha))
    return "", 200, offset_headers(held.offset, held.length)


def header_int(name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit():
        raise Problem("not_a_count", field=name, status=400,
                      message=f"{name} must be a non-negative integer")
    return int(value)


@blp.route("/blobs/<sha>", methods=["PATCH"], parameters=SHA_IN_PATH)
@roles_required(*PHONE_SYNC)  # a redeem's photo too
@blp.doc(**CHUNK)
@blp.response(204, description="the chunk is stored; more bytes are expected", headers=OFFSETS)
@blp.alt_response(201, description="the last byte arrived: the blob is complete",
                  headers=OFFSETS)
def patch(sha):
    sha = checked_sha(sha)
    # The store enforces the chunk limit while streaming; werkzeug's own limit would
    # refuse a chunk of exactly the limit once it has been read to its end.
    request.max_content_length = None
    if request.mimetype != "application/offset+octet-stream":
        raise Problem("unsupported_media", status=415,
                      message="Content-Type must be application/offset+octet-stream")
    held = receive_chunk(sha, header_int("Upload-Offset"), header_int("Upload-Length"),
                         request.stream, request.content_length, caller().user_id)
    # No body (the headers say it all), so nothing to serialise, compress or send.
    return Response(status=201 if held.complete else 204,
                    headers=offset_headers(held.offset, held.length))


@blp.route("/blobs/<sha>", methods=["GET"], parameters=SHA_IN_PATH)
@roles_required()
@blp.response(200)
def read(sha):
    sha = checked_sha(sha)
    variant = request.args.get("variant", "original")
    if variant not in VARIANTS:
        raise Problem("unknown_variant", field="variant", status=400,
                      message=f"variant must be one of {', '.join(VARIANTS)}")
    return serve_variant(sha, variant, may_read(authenticate(), sha, variant))
