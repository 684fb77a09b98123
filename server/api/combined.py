"""Combined results of published rounds, and publishing them (contract, "Review and
rankings": combined results)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import authenticate, roles_required
from ..errors import Problem
from ..review.combined import (chosen_rounds, combined_in_scope,
                               live_combined, publish_combined, published_combined)
from ..scope import MAX_ID, is_id
from .rankings import PRECISION, SHOWN_SCORE, TIE_BREAK, PlaceOut, PublishedOut

blp = Blueprint("api_combined", __name__, description="Combined results (quarters, years)")


def published_round_ids(kind: str) -> fields.String:
    """The chosen rounds in a query string, "1,2,3" (`round_ids` reads them); `kind` names
    the rounds a result is made of."""
    return fields.String(required=True, validate=validate.Length(min=1, max=1000),
                         metadata={"description": f"published {kind} ids, comma-separated",
                                   "example": "1,2,3"})


def published_round_list(kind: str) -> fields.List:
    """The chosen rounds in a request's body; `kind` as for `published_round_ids`."""
    return fields.List(fields.Integer(strict=True), required=True,
                       metadata={"description": f"the ids of published {kind}s"})


class ChosenRoundsQuery(Schema):
    """The published rounds a result is made of."""
    rounds = published_round_ids("round")


class VersionQuery(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": "a published version; the latest without"})


class ChosenRoundsRequest(Schema):
    """A result of published rounds to publish under a name."""
    name = fields.String(required=True)
    name_en = fields.String(load_default=None, allow_none=True)
    rounds = published_round_list("round")


class CombinedCreated(Schema):
    id = fields.Integer()
    version = fields.Integer()


class ChosenRoundOut(Schema):
    id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    starts_on = fields.String()
    ends_on = fields.String()
    version = fields.Integer(metadata={"description": "the published snapshot used"})


class CombinedGroupOut(PlaceOut):
    rank = fields.Integer()
    score = fields.Float()          # mean WR over the rounds the group was ranked in
    shown_score = SHOWN_SCORE
    tie_break = TIE_BREAK
    rounds = fields.Integer()
    partial = fields.Boolean()
    veto = fields.Boolean()
    list = fields.String(allow_none=True)
    reason = fields.String()
    reason_en = fields.String()
    reasons = fields.Raw(metadata={
        "description": "[{criterion, item, count}], the largest deductions first"})


class CombinedNameOut(Schema):
    id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)


class CombinedOut(Schema):
    combined = fields.Nested(CombinedNameOut, metadata={"description": "published only"})
    published = fields.Nested(PublishedOut, metadata={"description": "published only"})
    rounds = fields.List(fields.Nested(ChosenRoundOut))
    computed_at = fields.String()
    precision = PRECISION
    red_size = fields.Integer()
    black_size = fields.Integer()
    groups = fields.List(fields.Nested(CombinedGroupOut))
    not_ranked = fields.List(fields.Nested(PlaceOut))




def round_ids(text: str) -> list[int]:
    """"1,2,3" → ids; a number no row can have is the 404 of any unknown round."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isascii() and p.isdigit() for p in parts):
        raise Problem("invalid_value", field="rounds",
                      message="a comma-separated list of round ids")
    if not all(is_id(p) for p in parts):
        raise Problem("not_found", status=404, message="no such round")
    return [int(p) for p in parts]


@blp.route("/combined")
@roles_required()
@blp.arguments(ChosenRoundsQuery, location="query")
@blp.response(200, CombinedOut)
def live(args):
    return live_combined(chosen_rounds(round_ids(args["rounds"]), authenticate()))


@blp.route("/combined", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(ChosenRoundsRequest)
@blp.response(201, CombinedCreated)
def publish(body):
    user = authenticate()
    snapshot = publish_combined(chosen_rounds(body["rounds"], user), user,
                                body["name"], body["name_en"])
    return {"id": snapshot.combined_id, "version": snapshot.version}


@blp.route("/combined/<int:combined_id>")
@roles_required()
@blp.arguments(VersionQuery, location="query")
@blp.response(200, CombinedOut)
def published(args, combined_id):
    combined = combined_in_scope(combined_id, authenticate())
    result = published_combined(combined, args.get("version"))
    if result is None:
        raise Problem("not_found", status=404, message="no such published version")
    return result
