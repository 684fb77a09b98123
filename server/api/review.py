"""Review actions for supervisors and admins (contract, "Review and rankings")."""
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from sync.reasons import Reason
from sync.states import RECHECK_DECISIONS, REVIEW_DECISIONS

from ..auth import authenticate, roles_required
from ..models import Inspection, Photo, Recheck
from ..review.actions import MAX_TEXT, resolve_conflict, review_inspection, review_photo
from ..review.rechecks import review_recheck
from ..scope import in_township

blp = Blueprint("api_review", __name__, description="Supervisor review")


class InspectionReviewRequest(Schema):
    state = fields.String(required=True, validate=validate.OneOf(REVIEW_DECISIONS))
    comment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=MAX_TEXT))

    @validates_schema
    def comment_unless_approving(self, data, **kwargs):
        if data.get("state") != "approved" and not (data.get("comment") or "").strip():
            raise ValidationError(Reason("comment_required").english, "comment")


class CommentOut(Schema):
    id = fields.Integer()
    inspection_id = fields.String()
    author = fields.String()
    body = fields.String()
    created_at = fields.String()


class InspectionReviewResponse(Schema):
    id = fields.String()
    review_state = fields.String()
    version = fields.Integer()
    comment = fields.Nested(CommentOut, allow_none=True)


class PhotoReviewRequest(Schema):
    accepted = fields.Boolean(required=True, truthy={True}, falsy={False})
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=MAX_TEXT))

    @validates_schema
    def reason_when_rejecting(self, data, **kwargs):
        if data.get("accepted") is False and not (data.get("reason") or "").strip():
            raise ValidationError(Reason("photo_reason_required").english, "reason")


class PhotoReviewResponse(Schema):
    photo_id = fields.String()
    inspection_id = fields.String()
    accepted = fields.Boolean(allow_none=True)
    reason = fields.String(allow_none=True)
    reviewed_at = fields.String(allow_none=True)
    criterion = fields.String()
    item = fields.String(allow_none=True)
    deduction_void = fields.Boolean()


class ResolveRequest(Schema):
    # {leaf path: "server" | id of a conflicting revision}
    choices = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class ResolveResponse(Schema):
    id = fields.String()
    version = fields.Integer()
    has_conflict = fields.Boolean()
    resolved = fields.Dict()


@blp.route("/inspections/<inspection_id>/review", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(InspectionReviewRequest)
@blp.response(200, InspectionReviewResponse)
def review_an_inspection(body, inspection_id):
    user = authenticate()
    inspection = in_township(Inspection, inspection_id, user, lock=True)
    result = review_inspection(inspection, user, body["state"], body.get("comment"))
    return result


@blp.route("/photos/<photo_id>/review", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(PhotoReviewRequest)
@blp.response(200, PhotoReviewResponse)
def review_a_photo(body, photo_id):
    user = authenticate()
    photo = in_township(Photo, photo_id, user, lock=True)
    result = review_photo(photo, user, body["accepted"], body.get("reason"))
    return result


@blp.route("/inspections/<inspection_id>/resolve", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(ResolveRequest)
@blp.response(200, ResolveResponse)
def resolve_a_conflict(body, inspection_id):
    user = authenticate()
    inspection = in_township(Inspection, inspection_id, user, lock=True)
    result = resolve_conflict(inspection, user, body["choices"], body["reason"])
    return result


class RecheckReviewRequest(Schema):
    # {"<criterion>.<item>": "closed" | "open"}; the keys must be the rectification's
    # (checked with the values by review_recheck, which names the item refused).
    items = fields.Dict(keys=fields.String(),
                        values=fields.String(metadata={"enum": list(RECHECK_DECISIONS)}),
                        required=True, validate=validate.Length(min=1))
    comment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=MAX_TEXT))


class RectificationStateOut(Schema):
    id = fields.Integer()
    state = fields.String()


class RecheckReviewResponse(Schema):
    id = fields.String()
    review_state = fields.String()
    version = fields.Integer()
    item_states = fields.Dict(keys=fields.String(), values=fields.String())
    rectification = fields.Nested(RectificationStateOut)


@blp.route("/rechecks/<recheck_id>/review", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(RecheckReviewRequest)
@blp.response(200, RecheckReviewResponse)
def review_a_recheck(body, recheck_id):
    user = authenticate()
    recheck = in_township(Recheck, recheck_id, user, lock=True)
    result = review_recheck(recheck, body["items"], body.get("comment"), user)
    return result
