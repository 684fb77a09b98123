"""Households: the township's users read them; admins bring them in as a CSV, with a
preview first (rules: server/admin/households.py)."""
from flask import send_file
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..admin import households as rules
from ..auth import authenticate, roles_required
from ..models import VillagerGroup
from ..points.ledger import balances_of
from ..scope import MAX_ID, in_township
from .places import ImportFile, ImportOut, ImportQuery, LineChange, answer_import

blp = Blueprint("api_households", __name__, description="Households (户)")

KINDS = ("new", "changed", "unchanged")


class HouseholdsQuery(Schema):
    group_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={
        "description": "one group's households; without it, the whole township's"})


class HouseholdOut(Schema):
    id = fields.Integer()
    group_id = fields.Integer()
    number = fields.String(metadata={"description": "户号, as typed"})
    head = fields.String(metadata={"description": "户主"})
    members = fields.Integer(allow_none=True)
    active = fields.Boolean()
    balance = fields.Integer(metadata={"description": "the sum of its points entries"})


class HouseholdsOut(Schema):
    households = fields.List(fields.Nested(HouseholdOut))


class HouseholdLineChange(LineChange):
    number = fields.String()
    kind = fields.String(metadata={"description": "new, changed, unchanged"})


class HouseholdImportOut(ImportOut):
    lines = fields.List(fields.Nested(HouseholdLineChange))


@blp.route("/households")
@roles_required("inspector", "supervisor", "admin")
@blp.arguments(HouseholdsQuery, location="query")
@blp.response(200, HouseholdsOut)
def list_households(query):
    """A group's households by number (another township's group: 404), or the whole
    township's."""
    user = authenticate()
    group_id = query.get("group_id")
    if group_id is not None:
        in_township(VillagerGroup, group_id, user)
    households = rules.households_of(user.township_id, group_id)
    balances = balances_of(h.id for h in households)  # one query for thousands
    return {"households": [rules.household_data(h, balances[h.id]) for h in households]}


@blp.route("/households.csv")
@roles_required("inspector", "supervisor", "admin")
@blp.response(200, content_type="text/csv", description="the import's columns, one line a "
              "household")
def export_households():
    return send_file(rules.export_households(authenticate().township_id), mimetype="text/csv",
                     as_attachment=True, download_name="households.csv")


@blp.route("/households/import", methods=["POST"])
@roles_required("admin")
@blp.arguments(ImportQuery, location="query")
@blp.arguments(ImportFile, location="files")
@blp.response(200, HouseholdImportOut)
def import_households(query, files):
    """The CSV (multipart `file`, or the body): with dry_run, what it would change;
    without, imported (all lines or nothing; nothing is ever deleted)."""
    return answer_import(query, files, rules.preview_households, rules.import_households,
                         KINDS, "households_file_too_large")
