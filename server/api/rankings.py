"""Live and published rankings of a round, and publishing (contract, "Review and rankings")."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.states import HOUSEHOLD_SUBJECT, RECTIFICATION_STATES

from ..admin.rounds import require_group_round
from ..auth import authenticate, roles_required
from ..errors import Problem
from ..models import Round
from ..review.publishing import publish, published_ranking
from ..review.rankings import live_ranking
from ..scope import in_township

blp = Blueprint("api_rankings", __name__, description="Rankings and publishing")


class RoundOut(Schema):
    id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    starts_on = fields.String()
    ends_on = fields.String()
    state = fields.String()


class PublishedOut(Schema):
    version = fields.Integer()
    published_at = fields.String()
    published_by = fields.Integer()


class PlaceOut(Schema):
    group_id = fields.Integer()
    village = fields.String()
    name = fields.String()
    village_en = fields.String(allow_none=True)
    name_en = fields.String(allow_none=True)


TIE_BREAK = fields.String(allow_none=True, validate=validate.OneOf(("veto", "subtotal")),
                          metadata={"description": "the rule that put this group below "
                                    "another with the same shown_score; null if none did"})
SHOWN_SCORE = fields.Float(metadata={
    "description": "score rounded half-up to `precision` decimals: the value ranked"})
PRECISION = fields.Integer(metadata={"description": "the decimals of shown_score (1 or 2)"})


class RankedGroupOut(PlaceOut):
    rank = fields.Integer()
    score = fields.Float()          # WR, unrounded
    shown_score = SHOWN_SCORE
    tie_break = TIE_BREAK
    raw_score = fields.Float()      # R, unrounded
    inspections = fields.Integer()
    inspectors = fields.Integer()
    low_confidence = fields.Boolean()
    veto = fields.Boolean()
    list = fields.String(allow_none=True)
    reason = fields.String()        # the reasons in Chinese words, "label ×count，…"
    reason_en = fields.String()     # the same in English
    # The reasons as data, largest first (absent from snapshots published before them).
    # Raw: they are made by sync/ranking.py, and a nested schema per reason would cost
    # more than the rest of the answer for a large township.
    reasons = fields.Raw(metadata={
        "description": "[{criterion, item, count}], the largest deductions first",
        "example": [{"criterion": "collection", "item": "bins", "count": 3}]})
    change = fields.Integer(allow_none=True)


class CarriedOverOut(PlaceOut):
    """An earlier round's rectification still open or overdue (domain.md, 往期未整改)."""
    rectification_id = fields.Integer()
    round_id = fields.Integer()
    round_name = fields.String()
    state = fields.String(validate=validate.OneOf(RECTIFICATION_STATES))
    deadline = fields.String()
    open_items = fields.Integer()


class RankingOut(Schema):
    round = fields.Nested(RoundOut)
    computed_at = fields.String()
    published = fields.Nested(PublishedOut, allow_none=True)
    precision = PRECISION
    m = fields.Float()
    mean_raw_score = fields.Float(allow_none=True)
    red_size = fields.Integer()
    black_size = fields.Integer()
    groups = fields.List(fields.Nested(RankedGroupOut))
    not_inspected = fields.List(fields.Nested(PlaceOut))
    # Published snapshots only: computed when read, so the states are today's.
    carried_over = fields.List(fields.Nested(CarriedOverOut))


def round_in_scope(round_id: int) -> Round:
    return in_township(Round, round_id, authenticate())


@blp.route("/rounds/<int:round_id>/rankings")
@roles_required()
@blp.response(200, RankingOut)
def live(round_id):
    round_ = round_in_scope(round_id)
    require_group_round(round_)  # a household round has results, not a ranking: 409
    return live_ranking(round_)


@blp.route("/rounds/<int:round_id>/rankings/published")
@roles_required()
@blp.response(200, RankingOut)
def published(round_id):
    result = published_ranking(round_in_scope(round_id))
    if result is None:
        raise Problem("not_found", status=404, message="this round has not been published")
    return result


@blp.route("/rounds/<int:round_id>/publish", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.response(201, RankingOut)
def publish_round(round_id):
    """A household round answers its frozen results (GET /rounds/<id>/results' shape)."""
    round_ = round_in_scope(round_id)
    published = publish(round_, authenticate())
    if round_.subject == HOUSEHOLD_SUBJECT:
        from .household_results import household_results_response
        return household_results_response(published, 201)
    return published
