"""A household round's results (contract, "Household rounds": GET /rounds/<id>/results)."""
from flask import jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth import authenticate, roles_required
from ..models import Round
from ..review.household_results import live_results
from ..scope import in_township
from .rankings import PRECISION, SHOWN_SCORE, PublishedOut, RoundOut

blp = Blueprint("api_household_results", __name__, description="Household results")


class NotCheckedOut(Schema):
    household_id = fields.Integer()
    group_id = fields.Integer()
    number = fields.String()
    head = fields.String()


class HouseholdResultOut(NotCheckedOut):
    score = fields.Float(metadata={"description": "the mean of its counted inspections"})
    shown_score = SHOWN_SCORE
    inspections = fields.Integer()
    veto = fields.Boolean()
    points = fields.Integer(metadata={
        "description": "the points table's band for shown_score: what publishing credits "
                       "or credited"})


class HouseholdResultsOut(Schema):
    round = fields.Nested(RoundOut)
    computed_at = fields.String()
    published = fields.Nested(PublishedOut, allow_none=True)
    precision = PRECISION
    households = fields.List(fields.Nested(HouseholdResultOut))
    not_checked = fields.List(fields.Nested(NotCheckedOut), metadata={
        "description": "the township's active households with no counted inspection"})


def household_results_response(result: dict, status: int):
    """A result in this shape, for the routes answering one outside this module
    (publishing a household round answers its frozen results)."""
    response = jsonify(HouseholdResultsOut().dump(result))
    response.status_code = status
    return response


@blp.route("/rounds/<int:round_id>/results")
@roles_required()
@blp.response(200, HouseholdResultsOut)
def results(round_id):
    """Live: every household scored now (409 wrong_subject for a group round)."""
    return live_results(in_township(Round, round_id, authenticate()))
