"""POST /sync/push: inspections, rechecks and points entries up."""
from flask import current_app, jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import (PHONE_SYNC, authenticate, current_device, extend_device_token,
                    roles_required)
from ..errors import Problem
from ..models import utcnow
from ..phones.devices import record_device_report
from ..phones.ledger import push_ledger, refuse_records_of_a_shopkeeper
from ..phones.push import push_records
from ..scope import MAX_ID

blp = Blueprint("api_push", __name__, description="Push inspections and rechecks")


# The largest count the columns hold (INTEGER, and BIGINT for bytes).
COUNT = validate.Range(min=0, max=MAX_ID)


class Unsynced(Schema):
    inspections = fields.Integer(strict=True, validate=COUNT, allow_none=True)
    rechecks = fields.Integer(strict=True, validate=COUNT, allow_none=True)
    # points entries (deeds, redemptions) recorded on the phone and not yet applied
    ledger = fields.Integer(strict=True, validate=COUNT, allow_none=True)
    photos = fields.Integer(strict=True, validate=COUNT, allow_none=True)
    bytes = fields.Integer(strict=True, validate=validate.Range(min=0, max=2**63 - 1),
                           allow_none=True)


class Device(Schema):
    """What the phone still holds, kept for the admins' device list (GET /devices)."""
    app_version = fields.String(validate=validate.Length(max=40), allow_none=True)
    unsynced = fields.Nested(Unsynced, allow_none=True)


class PushRequest(Schema):
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    # Each inspection is validated on its own, so one bad one is rejected alone.
    inspections = fields.List(fields.Raw(allow_none=True), required=True)
    rechecks = fields.List(fields.Raw(allow_none=True), load_default=list)
    # Deeds and redemptions (sync-protocol.md, "Points travel in the same push").
    ledger = fields.List(fields.Raw(allow_none=True), load_default=None)
    device = fields.Nested(Device, load_default=None, allow_none=True)


class PushResult(Schema):
    id = fields.Raw()
    client_rev = fields.Raw()
    outcome = fields.String()
    version = fields.Integer(allow_none=True)
    errors = fields.Dict(metadata={"description": "{path: [English reason]}"})
    reasons = fields.Dict(metadata={
        "description": "the same reasons as {path: [{code, params}]}, for clients to translate"})
    missing_blobs = fields.List(fields.String())


class LedgerResult(Schema):
    id = fields.Raw()
    outcome = fields.String(metadata={"description": "applied, duplicate or rejected"})
    errors = fields.Dict(metadata={"description": "{path: [English reason]}"})
    reasons = fields.Dict(metadata={"description": "the same reasons as {path: [{code, params}]}"})
    flags = fields.List(fields.String(), metadata={"description": "overdraft, inactive_rule"})
    balance = fields.Integer(allow_none=True, metadata={
        "description": "the household's balance after the entry (null when rejected)"})


LEDGER_RESULTS = LedgerResult(many=True)


class PushResponse(Schema):
    results = fields.List(fields.Nested(PushResult))
    recheck_results = fields.List(fields.Nested(PushResult))
    ledger_results = fields.List(fields.Nested(LedgerResult), metadata={
        "description": "one per pushed ledger entry, in request order (when any were sent)"})
    server_time = fields.String()


@blp.route("/sync/push", methods=["POST"])
@roles_required(*PHONE_SYNC)
@blp.arguments(PushRequest)
@blp.response(200, PushResponse)
def push(body):
    device = current_device()
    if body["client_id"] != device.client_id:
        raise Problem("forbidden", status=403,
                      message="client_id is not the one issued with this token")
    limit = current_app.config["MAX_PUSH_INSPECTIONS"]
    if max(len(body["inspections"]), len(body["rechecks"]), len(body["ledger"] or ())) > limit:
        raise Problem("too_large", status=413,
                      message=f"at most {limit} inspections, {limit} rechecks and {limit} "
                              "ledger entries per push")
    user = authenticate()
    refuse_records_of_a_shopkeeper(user, body["inspections"], body["rechecks"])
    results, recheck_results = push_records(user, body["client_id"],
                                            body["inspections"], body["rechecks"])
    answer = {"results": results, "recheck_results": recheck_results}
    if body["ledger"] is not None:
        answer["ledger_results"] = LEDGER_RESULTS.dump(push_ledger(user, body["ledger"]))
    record_device_report(device, body["device"])
    extend_device_token()
    # The records' results are built as PushResult has them (phones/push.py, answer):
    # dumped field by field, hundreds of them were a tenth of a push. PushResponse
    # still documents the answer.
    return jsonify({**answer, "server_time": utcnow().isoformat()})
