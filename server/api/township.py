"""The township's settings (contract, "Households, points rules, …":
`GET|PUT /township/settings`): display precision, the star ratings' notice and
thresholds, the points table for checks and points per star level."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..admin.township import change_settings, township_settings
from ..auth import authenticate, roles_required

blp = Blueprint("api_township", __name__, description="The township's settings")

HELP = {
    "display_precision": {"description": "the decimals scores are shown and ranked with: "
                                         "1 or 2", "example": 1},
    "notice_days": {"description": "days a star rating is on public notice, 0..30 "
                                   "(0: no notice)", "example": 3},
    "objection_contact": {"description": "who takes objections, at most 200 characters",
                          "example": "镇农办 0871-1234567"},
    "star_thresholds": {"description": "the least star score per level, each 0..100, "
                                       "more stars higher",
                        "example": {"5": 95, "4": 90, "3": 80, "2": 70, "1": 60}},
    "points_table": {"description": "points for a checked household: the first band "
                                    "whose min_score (descending) the shown score reaches",
                     "example": [{"min_score": 90, "points": 10},
                                 {"min_score": 0, "points": -5}]},
    "veto_points": {"description": "points for a counted veto, whatever the score",
                    "example": -10},
    "star_points": {"description": "points a final star rating gives per level, 0..1000",
                    "example": {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0}},
}


class SettingsIn(Schema):
    """A partial body changes only what it names; the rules are the domain's
    (server/admin/township.py), the same for the admin page, which names each wrong
    field (so the fields take any JSON here)."""
    display_precision = fields.Integer(strict=True, metadata=HELP["display_precision"])
    notice_days = fields.Raw(metadata=HELP["notice_days"])
    objection_contact = fields.Raw(metadata=HELP["objection_contact"])
    star_thresholds = fields.Raw(metadata=HELP["star_thresholds"])
    points_table = fields.Raw(metadata=HELP["points_table"])
    veto_points = fields.Raw(metadata=HELP["veto_points"])
    star_points = fields.Raw(metadata=HELP["star_points"])


class Band(Schema):
    # As stored: 90 stays 90, 89.5 stays 89.5.
    min_score = fields.Raw()
    points = fields.Integer()


class SettingsOut(Schema):
    display_precision = fields.Integer(metadata=HELP["display_precision"])
    notice_days = fields.Integer(metadata=HELP["notice_days"])
    objection_contact = fields.String(metadata=HELP["objection_contact"])
    star_thresholds = fields.Dict(keys=fields.String(), values=fields.Raw(),
                                  metadata=HELP["star_thresholds"])
    points_table = fields.List(fields.Nested(Band), metadata=HELP["points_table"])
    veto_points = fields.Integer(metadata=HELP["veto_points"])
    star_points = fields.Dict(keys=fields.String(), values=fields.Integer(),
                              metadata=HELP["star_points"])


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
