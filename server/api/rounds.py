"""Rounds and their lifecycle for admins; admitting late inspections for supervisors
(contract, "Review and rankings": rounds, admit)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.states import GROUP_SUBJECT, SUBJECTS

from ..admin import rounds as rules
from ..auth import authenticate, roles_required
from ..models import Inspection, Round
from ..review.actions import MAX_TEXT, admit_inspection
from ..scope import MAX_ID, in_township
from .rankings import RoundOut

blp = Blueprint("api_rounds", __name__, description="Rounds and their lifecycle")


class RoundIn(Schema):
    name = fields.String(required=True)
    name_en = fields.String(load_default=None, allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    # None: the township's current version (server.admin.rubrics.current_rubric)
    rubric_version = fields.Integer(load_default=None, allow_none=True, strict=True,
                                    validate=validate.Range(1, MAX_ID))
    red_size = fields.Integer(load_default=None, allow_none=True, strict=True)
    black_size = fields.Integer(load_default=None, allow_none=True, strict=True)
    rectification_days = fields.Integer(load_default=None, allow_none=True, strict=True)
    subject = fields.String(load_default=GROUP_SUBJECT, validate=validate.OneOf(SUBJECTS))


class RoundRecord(RoundOut):
    """A round as pull sends it: what results name it by, and how it is set up."""
    rubric_version = fields.Integer()
    red_size = fields.Integer(allow_none=True)
    black_size = fields.Integer(allow_none=True)
    rectification_days = fields.Integer(allow_none=True)
    subject = fields.String(metadata={"enum": list(SUBJECTS)})


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=MAX_TEXT))


class AdmitOut(Schema):
    id = fields.String()
    late = fields.Boolean()
    admitted_at = fields.String()
    admitted_by = fields.Integer()


@blp.route("/rounds")
@roles_required()
@blp.response(200, RoundRecord(many=True))
def list_rounds():
    return [rules.round_data(r) for r in rules.township_rounds(authenticate().township_id)]


@blp.route("/rounds", methods=["POST"])
@roles_required("admin")
@blp.arguments(RoundIn)
@blp.response(201, RoundRecord)
def create_round(body):
    user = authenticate()
    round_ = rules.create_round(
        user.township_id, name=body["name"], name_en=body["name_en"],
        starts_on=body["starts_on"], ends_on=body["ends_on"],
        rubric_id=rules.rubric_id(user.township_id, body["rubric_version"], body["subject"]),
        red_size=body["red_size"], black_size=body["black_size"],
        rectification_days=body["rectification_days"], subject=body["subject"])
    return rules.round_data(round_)


@blp.route("/rounds/<int:round_id>/close", methods=["POST"])
@roles_required("admin")
@blp.response(200, RoundRecord)
def close_round(round_id):
    round_ = in_township(Round, round_id, authenticate(), lock=True)
    rules.close_round(round_)
    return rules.round_data(round_)


@blp.route("/rounds/<int:round_id>/reopen", methods=["POST"])
@roles_required("admin")
@blp.arguments(ReasonIn)
@blp.response(200, RoundRecord)
def reopen_round(body, round_id):
    round_ = in_township(Round, round_id, authenticate(), lock=True)
    rules.reopen_round(round_, body["reason"])
    return rules.round_data(round_)


@blp.route("/inspections/<inspection_id>/admit", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(ReasonIn)
@blp.response(200, AdmitOut)
def admit(body, inspection_id):
    user = authenticate()
    inspection = in_township(Inspection, inspection_id, user, lock=True)
    result = admit_inspection(inspection, user, body["reason"])
    return result
