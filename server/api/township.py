"""The township's settings (contract, "Households, points rules, …":
`GET|PUT /township/settings`). This issue brings `display_precision` only."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..admin.township import change_settings, township_settings
from ..auth import authenticate, roles_required

blp = Blueprint("api_township", __name__, description="The township's settings")

PRECISION_HELP = {"description": "the decimals scores are shown and ranked with: 1 or 2",
                  "example": 1}


class SettingsIn(Schema):
    """A partial body changes only what it names; the rule is the domain's
    (server/admin/township.py), the same for the admin page."""
    display_precision = fields.Integer(strict=True, metadata=PRECISION_HELP)


class SettingsOut(Schema):
    display_precision = fields.Integer(metadata=PRECISION_HELP)


@blp.route("/township/settings")
@roles_required()
@blp.response(200, SettingsOut)
def settings():
    return township_settings(authenticate().township_id)


@blp.route("/township/settings", methods=["PUT"])
@roles_required("admin")
@blp.arguments(SettingsIn)
@blp.response(200, SettingsOut)
def change(body):
    return change_settings(authenticate(), body)
