"""Star ratings (星级评定): the live draft, the public notice, objections, finalizing and
revoking (contract `/star-ratings…`, `/objections…`; rules: server/points/stars.py and
star_notice.py). Supervisors and admins write; every township user but the shopkeeper
reads."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import authenticate, roles_required
from ..errors import Problem
from ..points import star_notice, stars
from ..scope import MAX_ID
from .combined import (ChosenRoundOut, ChosenRoundsQuery, ChosenRoundsRequest, VersionQuery,
                       published_round_ids, published_round_list, round_ids)
from .rankings import PRECISION, PublishedOut

blp = Blueprint("api_stars", __name__, description="Star ratings (星级评定) and objections")


class PreviewQuery(ChosenRoundsQuery):
    rounds = published_round_ids("household round")


class RatingRequest(ChosenRoundsRequest):
    rounds = published_round_list("household round")


class RatingCreated(Schema):
    id = fields.Integer()
    version = fields.Integer()
    state = fields.String(metadata={"description": "notice"})
    notice_ends_on = fields.String(metadata={"description": "the notice's last day"})


class StarHouseholdOut(Schema):
    household_id = fields.Integer()
    group_id = fields.Integer()
    number = fields.String()
    head = fields.String()
    score = fields.Float(metadata={"description": "the shown (rounded) mean"})
    rounds = fields.Integer()
    partial = fields.Boolean()
    veto = fields.Boolean()
    stars = fields.Integer(metadata={"description": "0..5; 0 for none"})
    revoked = fields.Boolean()
    revoked_reason = fields.String()
    revoked_by = fields.Integer()
    revoked_at = fields.String()
    rated_stars = fields.Integer(metadata={"description": "before an upheld objection"})
    objection_id = fields.Integer(metadata={"description": "the upheld objection"})
    star_entry = fields.Dict(metadata={"description": "{id, points}: the star points"})
    revoke_entry = fields.String(metadata={"description": "the void of the star points"})


class ObjectionOut(Schema):
    id = fields.Integer()
    rating_id = fields.Integer()
    household_id = fields.Integer()
    text = fields.String()
    received_on = fields.String()
    recorded_by = fields.Integer()
    recorded_at = fields.String()
    decision = fields.String(allow_none=True, metadata={"description": "upheld, dismissed"})
    stars = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.String(allow_none=True)


class DraftOut(Schema):
    rounds = fields.List(fields.Nested(ChosenRoundOut))
    computed_at = fields.String()
    precision = PRECISION
    thresholds = fields.Dict(metadata={"description": '{"5": 95, …, "1": 60}'})
    households = fields.List(fields.Nested(StarHouseholdOut))


class RatingSummaryOut(Schema):
    id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "notice, final"})
    version = fields.Integer()
    notice_started_on = fields.String()
    notice_ends_on = fields.String()
    round_ids = fields.List(fields.Integer())
    created_by = fields.Integer()
    created_at = fields.String()


class RatingListOut(Schema):
    star_ratings = fields.List(fields.Nested(RatingSummaryOut),
                               metadata={"description": "newest first"})


class RatingOut(DraftOut):
    id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "the rating's state now"})
    version = fields.Integer()
    notice_started_on = fields.String()
    notice_ends_on = fields.String()
    objection_contact = fields.String()
    rating = fields.Dict(metadata={"description": "the rating as this version froze it"})
    published = fields.Nested(PublishedOut)
    objections = fields.List(fields.Nested(ObjectionOut))


class ObjectionIn(Schema):
    household_id = fields.Integer(required=True, strict=True,
                                  validate=validate.Range(min=1, max=MAX_ID))
    text = fields.String(required=True, validate=validate.Length(max=10_000))
    received_on = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=40),
                                metadata={"description": "YYYY-MM-DD; today unless given"})


class Created(Schema):
    id = fields.Integer()


class DecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.Length(max=20),
                             metadata={"description": "upheld, dismissed"})
    stars = fields.Integer(load_default=None, allow_none=True, strict=True,
                           metadata={"description": "0..5, only when upheld"})
    reason = fields.String(required=True, validate=validate.Length(max=10_000))


class RevokeIn(Schema):
    household_id = fields.Integer(required=True, strict=True,
                                  validate=validate.Range(min=1, max=MAX_ID))
    reason = fields.String(required=True, validate=validate.Length(max=10_000))


def _detail(rating):
    found = stars.rating_detail(rating)
    if found is None:          # every rating is born with its first version
        raise Problem("not_found", status=404, message="no such version")
    return found


@blp.route("/star-ratings")
@roles_required()
@blp.response(200, RatingListOut)
def ratings():
    """The township's ratings, newest first."""
    return {"star_ratings": stars.township_ratings(authenticate().township_id)}


@blp.route("/star-ratings/preview")
@roles_required()
@blp.arguments(PreviewQuery, location="query")
@blp.response(200, DraftOut)
def preview(args):
    """The live draft of these published household rounds."""
    user = authenticate()
    return stars.compute_rating(stars.chosen_household_rounds(round_ids(args["rounds"]), user))


@blp.route("/star-ratings", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(RatingRequest)
@blp.response(201, RatingCreated)
def start(body):
    """Freezes the draft and starts its public notice."""
    user = authenticate()
    frozen = stars.start_notice(stars.chosen_household_rounds(body["rounds"], user), user,
                                body["name"], body["name_en"])
    rating = frozen.result["rating"]
    return {"id": frozen.rating_id, "version": frozen.version, "state": rating["state"],
            "notice_ends_on": rating["notice_ends_on"]}


@blp.route("/star-ratings/<int:rating_id>")
@roles_required()
@blp.arguments(VersionQuery, location="query")
@blp.response(200, RatingOut)
def rating(args, rating_id):
    """A version of the rating (the latest unless asked) and its objections."""
    found = stars.rating_detail(stars.rating_in_scope(rating_id, authenticate()),
                                args.get("version"))
    if found is None:
        raise Problem("not_found", status=404, message="no such version")
    return found


@blp.route("/star-ratings/<int:rating_id>/objections", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(ObjectionIn)
@blp.response(201, Created)
def record_objection(body, rating_id):
    objection = star_notice.record_objection(rating_id, authenticate(), body["household_id"],
                                             body["text"], body["received_on"])
    return {"id": objection.id}


@blp.route("/objections/<int:objection_id>/decide", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(DecisionIn)
@blp.response(200, ObjectionOut)
def decide(body, objection_id):
    objection = star_notice.decide_objection(objection_id, authenticate(), body["decision"],
                                             body["stars"], body["reason"])
    return stars.objection_data(objection)


@blp.route("/star-ratings/<int:rating_id>/finalize", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.response(200, RatingOut)
def finalize(rating_id):
    """The final version, once the notice is over and every objection is decided."""
    return _detail(star_notice.finalize_rating(rating_id, authenticate()))


@blp.route("/star-ratings/<int:rating_id>/revoke", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(RevokeIn)
@blp.response(200, RatingOut)
def revoke(body, rating_id):
    """Takes a household's stars back (摘牌) as a new version."""
    return _detail(star_notice.revoke_stars(rating_id, authenticate(), body["household_id"],
                                            body["reason"]))
