"""One error shape for the whole API, produced here and nowhere else.

`{"error": {"code", "message", "fields"?}}` (contract, "Conventions"). Web pages get a
readable page in the user's language instead.
"""
from flask import Flask, jsonify, render_template, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from sync.reasons import Reason, english

from .photos.store import StoreUnavailable
from .problems import describe

# Seconds a client waits before trying the photo store again (it keeps the photo).
STORE_RETRY_AFTER = 30

CODES = {
    400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large",
    415: "unsupported_media", 422: "validation_failed", 429: "too_many_requests",
}


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class Error(Schema):
    """The error shape, as the OpenAPI document describes it."""
    error = fields.Nested(ErrorBody, required=True)


class ApiError(Exception):
    """Raise anywhere in an API view to answer with the error shape."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 fields: dict | None = None, headers: dict | None = None):
        super().__init__(message or code)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message or self.code.replace("_", " ")
        self.fields = fields
        self.headers = headers or {}


class InputError(ApiError):
    """Input refused per field, as values: {field: [Reason]} (sync.reasons). The API
    answers 400 with each reason's English in `fields`; pages translate the codes."""

    def __init__(self, reasons: dict[str, list[Reason]]):
        self.reasons = reasons
        fields = english(reasons)
        super().__init__(400, "invalid_request", "; ".join(
            f"{path}: {', '.join(texts)}" for path, texts in fields.items()), fields)


class RuleRefused(ApiError):
    """A domain RuleError in the API's shape: a 400 with each problem's English per field,
    or, when the input itself is fine and the refusal is about state (a code in
    `conflicts`), a 409 with that code."""

    def __init__(self, exc, conflicts: tuple[str, ...] = (), prefix: str = "admin.err_"):
        problems = exc.problems
        if all(p.code in conflicts for p in problems):
            super().__init__(409, problems[0].code, describe(problems[0], prefix, "en"))
            return
        fields = {}
        for problem in problems:
            fields.setdefault(problem.field or "_", []).append(describe(problem, prefix, "en"))
        super().__init__(400, "invalid_request", "; ".join(
            f"{path}: {', '.join(texts)}" for path, texts in fields.items()), fields)


def error_response(error: ApiError):
    body = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    response = jsonify(error=body)
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def flatten_fields(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nested messages → {"path.to.field": ["reason"]}."""
    if isinstance(messages, dict):
        out = {}
        for key, value in messages.items():
            # webargs nests by location ("json", "query"); the client doesn't care.
            path = prefix if key in ("json", "query", "form", "headers", "files") and not prefix \
                else (f"{prefix}.{key}" if prefix else str(key))
            out.update(flatten_fields(value, path))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": messages}
    if isinstance(messages, list):
        out = {}
        for index, value in enumerate(messages):
            out.update(flatten_fields(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "_schema": [str(messages)]}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _from_http_exception(exc: HTTPException) -> ApiError:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    if "messages" in data:
        # webargs could not parse or validate the request against its schema.
        fields = flatten_fields(data["messages"])
        message = "; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items())
        if fields == {"_schema": ["Invalid JSON body."]}:
            fields = None
        return ApiError(400, "invalid_request", message or "invalid request", fields)
    return ApiError(status, CODES.get(status, "error"), exc.description)


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        if is_api_request():
            return error_response(error)
        return _page(error.status, error.message)

    @app.errorhandler(StoreUnavailable)
    def handle_store_unavailable(exc: StoreUnavailable):
        app.logger.warning("photo store unavailable: %s", exc)
        error = ApiError(503, exc.code, "the photo store is unavailable; try again later",
                         headers={"Retry-After": str(STORE_RETRY_AFTER)})
        if is_api_request():
            return error_response(error)
        page, status = _page(503, error.message)
        return page, status, error.headers

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        if exc.response is not None:  # already rendered where it was raised (sign_in.py)
            return exc.response
        if is_api_request():
            return error_response(_from_http_exception(exc))
        return _page(exc.code or 500, exc.description)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        if is_api_request():
            return error_response(ApiError(500, "internal_error", "internal server error"))
        return _page(500, "")


def _page(status: int, message: str):
    return render_template("error.html", status=status, message=message), status
