"""GET /sync/pull: reference data and review results down, page by page."""
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.cursor import InvalidCursor, decode_position, encode_cursor

from ..auth import (PHONE_SYNC, authenticate, current_device, extend_device_token,
                    roles_required)
from ..database import keep_writes_of_this_read
from ..errors import Problem
from ..phones import first_pull
from ..phones.pull import changes_after, render_changes

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


def cursor_key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


@blp.route("/sync/pull")
@roles_required(*PHONE_SYNC)
@blp.arguments(PullQuery, location="query")
@blp.response(200, PullResponse)
def pull(args):
    after, snapshot = 0, None
    if args.get("cursor"):
        try:
            after, snapshot = decode_position(args["cursor"], cursor_key())
        except InvalidCursor:
            raise Problem("invalid_value", field="cursor", message="unknown cursor") from None
    else:
        snapshot = first_pull.snapshot_end()
    user, device = authenticate(), current_device()
    carried = None
    if snapshot is not None:   # within a first pull: its snapshot is bounded
        horizon = first_pull.horizon(user.township_id, device)
        carried = first_pull.carried(horizon, snapshot)
    rows, has_more = changes_after(user, after, args["limit"], carried)
    changes = render_changes(rows)
    last = rows[-1].seq if rows else after
    if snapshot is not None and not has_more:
        # every change up to the snapshot's end that the rules keep has been carried
        last = max(last, snapshot)
    if device is not None and (snapshot is None or last >= snapshot):
        # What this device has received; not moved within a first pull, whose bounds
        # rest on what the device had before it began.
        device.pulled_seq = max(device.pulled_seq or 0, last)
    extend_device_token()
    keep_writes_of_this_read()
    return {"changes": changes, "cursor": encode_cursor(last, cursor_key(), snapshot),
            "has_more": has_more}
