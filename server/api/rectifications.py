"""The township's rectifications for supervisors (contract, "Review and rankings")."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.states import ITEM_STATES, RECTIFICATION_STATES

from ..auth import authenticate, roles_required
from ..errors import Problem
from ..extensions import db
from ..models import Round
from ..review.rectifications import (names_of, photo_shas, rectification_data,
                                     township_rectifications)
from ..scope import MAX_ID

blp = Blueprint("api_rectifications", __name__, description="Rectifications")


class RectificationQuery(Schema):
    round_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    state = fields.String(validate=validate.OneOf(RECTIFICATION_STATES))


class PhotoRef(Schema):
    id = fields.String()
    sha256 = fields.String()


class RectificationItemOut(Schema):
    criterion = fields.String()
    item = fields.String()
    count = fields.Integer()
    photo_ids = fields.List(fields.String())
    photos = fields.List(fields.Nested(PhotoRef))
    state = fields.String(validate=validate.OneOf(ITEM_STATES))


class RectificationOut(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    group_id = fields.Integer()
    deadline = fields.String()
    state = fields.String(validate=validate.OneOf(RECTIFICATION_STATES))
    items = fields.List(fields.Nested(RectificationItemOut))
    round_name = fields.String()
    village = fields.String()
    village_en = fields.String(allow_none=True)
    name = fields.String()
    name_en = fields.String(allow_none=True)


class RectificationList(Schema):
    rectifications = fields.List(fields.Nested(RectificationOut))


@blp.route("/rectifications")
@roles_required("supervisor", "admin")
@blp.arguments(RectificationQuery, location="query")
@blp.response(200, RectificationList)
def listing(args):
    user = authenticate()
    round_id = args.get("round_id")
    if round_id is not None:
        round_ = db.session.get(Round, round_id)
        if round_ is None or round_.township_id != user.township_id:
            raise Problem("invalid_value", field="round_id", message="unknown round")
    found = township_rectifications(user.township_id, round_id=round_id,
                                    state=args.get("state"))
    shas = photo_shas(r for r, _ in found)
    return {"rectifications": [{**rectification_data(r, shas=shas), **names_of(r)}
                               for r, _ in found]}
