"""Points: a household's ledger for the township's users, and the corrections and voids
of supervisors and admins (rules: server/points/ledger.py; deeds and redemptions come
in the push)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import authenticate, roles_required
from ..points import ledger as rules
from ..scope import MAX_ID

blp = Blueprint("api_ledger", __name__, description="Points (积分): ledgers and corrections")


class GoodsLine(Schema):
    goods_id = fields.Integer(allow_none=True)
    name = fields.String()
    quantity = fields.Integer()
    points = fields.Integer(metadata={"description": "per unit, as agreed at the counter"})


class EntryOut(Schema):
    id = fields.String()
    household_id = fields.Integer()
    kind = fields.String(metadata={"description": "check, deed, redeem, adjust, star"})
    points = fields.Integer()
    rule_key = fields.String(allow_none=True)
    goods = fields.List(fields.Nested(GoodsLine), allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "an adjust's reason"})
    photos = fields.List(fields.Dict())
    recorded_by = fields.Integer()
    recorded_at = fields.String()
    voids = fields.String(allow_none=True, metadata={"description": "the entry it voids"})
    flags = fields.List(fields.String(), metadata={"description": "overdraft, inactive_rule"})
    round_id = fields.Integer(allow_none=True)


class LedgerOut(Schema):
    balance = fields.Integer(metadata={"description": "the sum of the entries"})
    entries = fields.List(fields.Nested(EntryOut), metadata={"description": "newest first"})


class AdjustIn(Schema):
    household_id = fields.Integer(required=True, strict=True,
                                  validate=validate.Range(min=1, max=MAX_ID))
    points = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=-(2**31 - 1), max=2**31 - 1),
                            metadata={"description": "non-zero; a void: the opposite of "
                                      "the voided entry's"})
    reason = fields.String(required=True, validate=validate.Length(max=10_000))
    voids = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(max=36),
                          metadata={"description": "the id of an entry of the same "
                                    "household to void"})


@blp.route("/households/<int:household_id>/ledger")
@roles_required("inspector", "supervisor", "admin", "shopkeeper")
@blp.response(200, LedgerOut)
def household_ledger(household_id):
    """The household's balance and every entry (another township's household: 404)."""
    return rules.household_ledger(household_id, authenticate())


@blp.route("/ledger", methods=["POST"])
@roles_required("supervisor", "admin")
@blp.arguments(AdjustIn)
@blp.response(201, EntryOut)
def adjust(body):
    """A correction (an `adjust` with a reason), or the void of an entry: 400 for zero
    points, no reason or a void that does not take back the entry's points; 409
    `already_voided`; audited."""
    entry = rules.record_adjust(authenticate(), body["household_id"], body["points"],
                                body["reason"], voids=body["voids"])
    return rules.entry_data(entry)
