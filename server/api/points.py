"""The township's points rules (积分细则) and goods (积分超市): the township's users read
them, admins write (rules: server/points/catalogue.py)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import authenticate, roles_required
from ..points import catalogue as rules
from ..scope import MAX_ID

blp = Blueprint("api_points", __name__, description="Points rules and goods")

# Large enough for any township's list, small enough to refuse a runaway body early.
LIST_MAX = 500
POINTS = validate.Range(min=-(2**31 - 1), max=2**31 - 1)
NAME = validate.Length(max=1000)


class Listed(Schema):
    """What a points rule and a good share: their points, and whether phones offer them
    (one in use is never deleted, only deactivated). The same shape in and out."""
    points = fields.Integer(required=True, strict=True, validate=POINTS)
    active = fields.Boolean(load_default=True)


class Rule(Listed):
    key = fields.String(required=True, validate=validate.Length(max=200))
    label_zh = fields.String(required=True, validate=NAME)
    label_en = fields.String(load_default=None, allow_none=True, validate=NAME)


class Good(Listed):
    id = fields.Integer(load_default=None, allow_none=True, strict=True,
                        validate=validate.Range(min=1, max=MAX_ID),
                        metadata={"description": "null: a new good (the server makes its id)"})
    name = fields.String(required=True, validate=NAME)
    name_en = fields.String(load_default=None, allow_none=True, validate=NAME)
    points = fields.Integer(required=True, strict=True, validate=POINTS,
                            metadata={"description": "per unit, > 0"})


def whole_list(name: str, item: type[Schema]) -> type[Schema]:
    """The township's whole list, as a PUT sends it and every answer carries it."""
    return Schema.from_dict({name: fields.List(fields.Nested(item), required=True,
                                               validate=validate.Length(max=LIST_MAX))},
                            name=f"{item.__name__}List")


Rules, Goods = whole_list("rules", Rule), whole_list("goods", Good)


@blp.route("/points-rules")
@roles_required("inspector", "supervisor", "admin")
@blp.response(200, Rules)
def list_rules():
    return {"rules": [rules.rule_data(r) for r in rules.rules_of(authenticate().township_id)]}


@blp.route("/points-rules", methods=["PUT"])
@roles_required("admin")
@blp.arguments(Rules)
@blp.response(200, Rules)
def put_rules(body):
    """Inserts or updates the rules named by key; the rest stay as they are. Never
    deletes: a rule in use is deactivated (`active: false`)."""
    return {"rules": [rules.rule_data(r) for r in rules.put_rules(authenticate(), body["rules"])]}


@blp.route("/goods")
@roles_required("inspector", "supervisor", "admin", "shopkeeper")
@blp.response(200, Goods)
def list_goods():
    return {"goods": [rules.goods_data(g) for g in rules.goods_of(authenticate().township_id)]}


@blp.route("/goods", methods=["PUT"])
@roles_required("admin")
@blp.arguments(Goods)
@blp.response(200, Goods)
def put_goods(body):
    """Inserts the goods without an id and updates those with one; the rest stay as they
    are. Never deletes: a good in use is deactivated (`active: false`)."""
    return {"goods": [rules.goods_data(g) for g in rules.put_goods(authenticate(), body["goods"])]}
