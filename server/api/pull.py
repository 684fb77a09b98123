"""GET /sync/pull: reference data and review results down, page by page."""
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.cursor import InvalidCursor, decode_ahead, decode_position, encode_ahead, encode_cursor

from ..auth import (PHONE_SYNC, authenticate, current_device, extend_device_token,
                    roles_required)
from ..database import keep_writes_of_this_read
from ..errors import Problem
from ..phones import first_pull
from ..phones.pull import changes_after, changes_between, page_starts, render_changes

blp = Blueprint("api_pull", __name__, description="Pull changes")


class PullQuery(Schema):
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))


class ChangeOut(Schema):
    type = fields.String()
    id = fields.String()
    op = fields.String()
    version = fields.Integer()
    data = fields.Dict(allow_none=True)


class PullResponse(Schema):
    changes = fields.List(fields.Nested(ChangeOut))
    cursor = fields.String()
    has_more = fields.Boolean()
    ahead = fields.List(fields.String(), metadata={"description": (
        "Only on a first pull's first page (no cursor): the cursors at which the "
        "snapshot's later pages begin, for the same limit, in order. Each page fetched "
        "with one carries exactly its slice, so a phone may fetch them side by side and "
        "apply them in order (each page with its own cursor); the page of the last one "
        "goes on past the snapshot as a sequential page does. Ignoring them and "
        "following `cursor` gives the same changes.")})


def cursor_key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


@blp.route("/sync/pull")
@roles_required(*PHONE_SYNC)
@blp.arguments(PullQuery, location="query")
@blp.response(200, PullResponse)
def pull(args):
    after, snapshot, upto, ahead_page = 0, None, None, False
    if args.get("cursor"):
        after, snapshot, upto, ahead_page = _position(args["cursor"])
    else:
        snapshot = first_pull.snapshot_end()
    user, device = authenticate(), current_device()
    carried = None
    if snapshot is not None:   # within a first pull: its snapshot is bounded
        horizon = first_pull.horizon(user.township_id, device)
        carried = first_pull.carried(horizon, snapshot)
    if upto is not None:       # a slice of the snapshot, fetched beside the others
        rows, has_more = changes_between(user, after, upto, carried), True
    else:
        rows, has_more = changes_after(user, after, args["limit"], carried)
    changes = render_changes(rows)
    last = upto if upto is not None else (rows[-1].seq if rows else after)
    if snapshot is not None and not has_more:
        # every change up to the snapshot's end that the rules keep has been carried
        last = max(last, snapshot)
    if device is not None and not ahead_page and (snapshot is None or last >= snapshot):
        # What this device has received; not moved within a first pull, whose bounds
        # rest on what the device had before it began. Nor by a page fetched ahead: the
        # pages before it may not have been served yet (the next pull moves it).
        device.pulled_seq = max(device.pulled_seq or 0, last)
    extend_device_token()
    keep_writes_of_this_read()
    answer = {"changes": changes, "cursor": encode_cursor(last, cursor_key(), snapshot),
              "has_more": has_more}
    if not args.get("cursor"):
        answer["ahead"] = _ahead(user, last, snapshot, args["limit"], carried) \
            if has_more else []
    return answer


def _position(cursor: str) -> tuple[int, int | None, int | None, bool]:
    """(after, the first pull's snapshot end, a page ahead's upper bound, whether the
    cursor is one of a first page's `ahead`) of a cursor this server issued."""
    try:
        ahead = decode_ahead(cursor, cursor_key())
        if ahead is not None:
            return (*ahead, True)
        return (*decode_position(cursor, cursor_key()), None, False)
    except InvalidCursor:
        raise Problem("invalid_value", field="cursor", message="unknown cursor") from None


def _ahead(user, after: int, snapshot: int, limit: int, carried) -> list[str]:
    """The cursors of the snapshot's pages after the first, each bounded by the next."""
    starts = page_starts(user, after, snapshot, limit, carried)
    return [encode_ahead(start, cursor_key(), snapshot, bound)
            for start, bound in zip(starts, starts[1:] + [None])]
