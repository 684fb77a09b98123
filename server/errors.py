"""Errors: one value raised from any layer, worded once per surface.

    Problem(code, params=None, line=None, field=None, *, status=400, message=None,
            retry_after=None)
        An exception that is also a value: what went wrong as a code and its parameters,
        never a sentence that another layer parses. Domain code (admin/, review/, phones/,
        photos/) raises it and nothing HTTP-specific. `status` is data chosen where the
        problem is born, in HTTP's numbers because everyone knows them:
        400 the input is wrong, 403 not allowed, 404 no such thing (for this caller),
        409 the state refuses it although the input is fine, 413 too large,
        415 unsupported type, 422 well-formed but unusable, 429 too many attempts,
        503 a service (the photo store) is unavailable: `retry_after` seconds then says
        when to try again. `field` names an input field, `line` a line of an uploaded
        file (the header is line 1). `message`: an English detail for API clients where
        the code's own text would say less (which header is wrong); pages never show it.
    Problems(problems, *, code=None, status=None, message=None)
        Several problems found at once (every field of a form, every line of a file),
        itself a Problem. Its status is its members' when they all agree (a 409 among
        400s is an input problem); `code` and `status` give the answer its own code, as
        for a draft rubric that cannot be activated yet (409 rubric_invalid, per field).
    problem.problems    [the single problems]: [self] for a single one.
    from_reasons(reasons)
        sync's per-field Reasons (sync/reasons.py: push validation, review input) as
        Problems; each keeps the push contract's English as its API message.

Words: every code has ONE text per language, the catalogue's `problem.<code>`
(server/translations/{zh,en}.json); a problem on a line of a file reads
`problem.line.<code>` ("line 3: ..."), and sync's reasons keep their own vocabulary,
`reason.<code>` (from_reasons). The problem knows its key: no caller chooses one.

Translators, one per surface:
    API    register_errorhandlers → {"error": {"code", "message", "fields"?}} with
           Retry-After; a 400 answers invalid_request with every problem per field.
    pages  the error page here (any Problem a view lets through), flashes and form
           errors in server/web/flashes.py, in the reader's language.
    CLI    server/cli.py: each problem in English, then exit 1.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from flask import Flask, jsonify, render_template, request
from marshmallow import Schema, fields
from sqlalchemy import Column
from werkzeug.exceptions import HTTPException

from sync.reasons import Reason

from .i18n import t

# A code per HTTP status, for what the framework refuses before a view runs.
CODES = {
    400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large",
    415: "unsupported_media", 422: "validation_failed", 429: "too_many_requests",
    500: "internal_error", 503: "unavailable",
}


class Problem(Exception):
    """What went wrong, as a code and its parameters (see the module's docstring)."""

    def __init__(self, code: str, params: Mapping | None = None, line: int | None = None,
                 field: str | None = None, *, status: int = 400, message: str | None = None,
                 retry_after: int | None = None):
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})
        self.line = line
        self.field = field
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.key = f"problem.line.{code}" if line is not None else f"problem.{code}"

    @property
    def problems(self) -> list[Problem]:
        return [self]

    @property
    def values(self) -> dict:
        """The parameters a catalogue text may use, the line number included."""
        return self.params if self.line is None else {**self.params, "line": self.line}

    def text(self, lang: str | None = None) -> str:
        """In the catalogue's words: the reader's language unless `lang` is given."""
        return t(self.key, lang=lang, **self.values)

    @property
    def english(self) -> str:
        return self.message or self.text("en")

    def __repr__(self) -> str:
        where = f", line={self.line}" if self.line is not None else (
            f", field={self.field!r}" if self.field else "")
        return f"Problem({self.code!r}, {self.params!r}{where}, status={self.status})"


class Problems(Problem):
    """Several problems at once; nothing was written."""

    def __init__(self, problems: Iterable[Problem], *, code: str | None = None,
                 status: int | None = None, message: str | None = None):
        found = [one for problem in problems for one in problem.problems]
        statuses = {p.status for p in found}
        status = status or (statuses.pop() if len(statuses) == 1 else 400)
        super().__init__(code or (found[0].code if found else CODES[status]), status=status,
                         message=message)
        self.found = found
        self.named = code is not None

    @property
    def problems(self) -> list[Problem]:
        return self.found

    @property
    def english(self) -> str:
        if self.message:
            return self.message
        if len(self.found) == 1 and not self.named:
            return self.found[0].english
        return "; ".join(f"{path}: {', '.join(texts)}" for path, texts in self.per_field().items())

    def per_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for problem in self.found:
            out.setdefault(problem.field or "_", []).append(problem.english)
        return out

    def __repr__(self) -> str:
        return f"Problems({self.found!r}, status={self.status})"


def from_reasons(reasons: Mapping[str, list[Reason]]) -> Problems:
    """The one place where sync's reasons join the family (400, per field). They keep
    sync's words: the contract's English, and on pages `reason.<code>`, the vocabulary
    the phone shares (push.reason.<code>), apart from the server's own problem codes."""
    problems = []
    for path, found in reasons.items():
        for reason in found:
            problem = Problem(reason.code, reason.params, field=path, message=reason.english)
            problem.key = f"reason.{reason.code}"
            problems.append(problem)
    return Problems(problems)


# Single-line names: a control character (a line break, a NUL that PostgreSQL refuses)
# is a typing or export accident, never part of a village's or a person's name.
CONTROL_CHARACTERS = frozenset(chr(c) for c in (*range(0x20), 0x7F))
# Text that may span lines (a reason, an objection) allows line breaks and tabs, nothing
# else of them.
TEXT_CONTROL_CHARACTERS = CONTROL_CHARACTERS - set("\n\r\t")


def column_size(column: Column) -> int:
    """How many characters a String column holds: the one source of every length rule."""
    return column.type.length


def name_problem(value: str, column: Column, *, line: int | None = None,
                 field: str | None = None, params: dict | None = None) -> Problem | None:
    """Why `value` cannot be stored in `column` as a name, or None if it can."""
    params = params or {}
    if len(value) > column_size(column):
        return Problem("too_long", {**params, "max": column_size(column)}, line, field)
    if not CONTROL_CHARACTERS.isdisjoint(value):
        return Problem("control_character", params, line, field)
    return None


# The API's translator ----------------------------------------------------------------

class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class Error(Schema):
    """The error shape, as the OpenAPI document describes it."""
    error = fields.Nested(ErrorBody, required=True)


def error_response(problem: Problem):
    """The API's answer: input problems (400) are invalid_request with every problem per
    field; any other status answers the problem's own code."""
    if problem.status == 400:
        body = {"code": "invalid_request", "message": problem.english}
    else:
        body = {"code": problem.code, "message": problem.english}
    if isinstance(problem, Problems) and (problem.status == 400 or problem.named):
        body["fields"] = problem.per_field()
    elif problem.field and not isinstance(problem, Problems):
        body["fields"] = {problem.field: [problem.english]}
    response = jsonify(error=body)
    response.status_code = problem.status
    if problem.retry_after is not None:
        response.headers["Retry-After"] = str(problem.retry_after)
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


def from_http_exception(exc: HTTPException) -> Problem:
    """What the framework refused (no route, wrong method, a body webargs cannot parse)."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    if "messages" in data:
        found = flatten_fields(data["messages"])
        if found == {"_schema": ["Invalid JSON body."]}:
            return Problem("invalid_request", message="_schema: Invalid JSON body.")
        return Problems([Problem("invalid_value", field=path, message=text)
                         for path, texts in found.items() for text in texts])
    return Problem(CODES.get(status, "error"), status=status, message=exc.description)


# The pages' error page (flashes and forms: server/web/flashes.py) ---------------------

def error_page(problem: Problem):
    """A page in the reader's language: the status's text and the problem's own."""
    page = render_template("error.html", status=problem.status, detail=problem.text())
    headers = {"Retry-After": str(problem.retry_after)} if problem.retry_after else {}
    return page, problem.status, headers


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(Problem)
    def handle_problem(problem: Problem):
        if problem.status >= 500:
            app.logger.warning("%s: %r", problem.code, problem)
        return error_response(problem) if is_api_request() else error_page(problem)

    from .photos.store import StoreUnavailable

    @app.errorhandler(StoreUnavailable)
    def handle_store_unavailable(exc):
        # Until the store raises Problem("store_unavailable", status=503, retry_after=...)
        # itself: seconds a client waits before trying again (it keeps the photo).
        return handle_problem(Problem("store_unavailable", status=503, retry_after=30,
                                      message="the photo store is unavailable; try again later"))

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        if exc.response is not None:  # already rendered where it was raised (sign_in.py)
            return exc.response
        if is_api_request():
            return error_response(from_http_exception(exc))
        return render_template("error.html", status=exc.code or 500,
                               message=exc.description), exc.code or 500

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        if is_api_request():
            return error_response(Problem("internal_error", status=500,
                                          message="internal server error"))
        return render_template("error.html", status=500, message=""), 500
