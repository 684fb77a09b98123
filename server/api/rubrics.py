"""Rubric versions for admins: copy one into a draft, edit the draft, activate it.

The rules are the domain's (server/admin/rubrics.py); phones get active versions by pull.
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from sync.rubric import KINDS
from sync.states import SUBJECTS

from ..admin import rubrics as rules
from ..auth import authenticate, roles_required

blp = Blueprint("api_rubrics", __name__, description="Rubric versions and their drafts")

LONG = validate.Length(max=1000)  # the domain says how long a label may be


class ItemIn(Schema):
    key = fields.String(required=True, validate=LONG)
    points = fields.Float(required=True, allow_nan=False)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    label_zh = fields.String(required=True, validate=LONG)
    label_en = fields.String(required=True, validate=LONG)
    photo_required = fields.Boolean(load_default=True)


class CriterionIn(Schema):
    key = fields.String(required=True, validate=LONG)
    max = fields.Float(required=True, allow_nan=False)
    label_zh = fields.String(required=True, validate=LONG)
    label_en = fields.String(required=True, validate=LONG)
    items = fields.List(fields.Nested(ItemIn), required=True, validate=validate.Length(max=100))


class RubricIn(Schema):
    title = fields.String(load_default=None, allow_none=True, validate=LONG)
    # None: the draft keeps its subject
    subject = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(SUBJECTS))
    criteria = fields.List(fields.Nested(CriterionIn), required=True,
                           validate=validate.Length(max=100))


class ItemOut(Schema):
    key = fields.String()
    points = fields.Float()
    kind = fields.String()
    label_zh = fields.String()
    label_en = fields.String()
    photo_required = fields.Boolean()


class CriterionOut(Schema):
    key = fields.String()
    max = fields.Float()
    label_zh = fields.String()
    label_en = fields.String()
    items = fields.List(fields.Nested(ItemOut))


class RoundRef(Schema):
    id = fields.Integer()
    name = fields.String()


class RubricRecord(Schema):
    """A version as pull sends it, with its state and the township's rounds using it."""
    version = fields.Integer()
    title = fields.String(allow_none=True)
    subject = fields.String(metadata={"enum": list(SUBJECTS)})
    state = fields.String(metadata={"enum": ["draft", "active"]})
    shared = fields.Boolean(metadata={"description": "shared by every township"})
    current = fields.Boolean(metadata={"description": "what new rounds use by default"})
    rounds = fields.List(fields.Nested(RoundRef))
    created_at = fields.String(allow_none=True)
    activated_at = fields.String(allow_none=True)
    max_sum = fields.Float()
    criteria = fields.List(fields.Nested(CriterionOut))




@blp.route("/rubrics")
@roles_required("admin")
@blp.response(200, RubricRecord(many=True))
def list_rubrics():
    township_id = authenticate().township_id
    return [rules.rubric_data(r, township_id) for r in rules.township_rubrics(township_id)]


@blp.route("/rubrics/<int:version>")
class Rubric(MethodView):
    # One route for both methods: an id too large for the converter is then a 404 to
    # either, not a 405 from the other method's route.

    @roles_required("admin")
    @blp.response(200, RubricRecord)
    def get(self, version):
        township_id = authenticate().township_id
        return rules.rubric_data(rules.township_rubric(township_id, version), township_id)

    @roles_required("admin")
    @blp.arguments(RubricIn)
    @blp.response(200, RubricRecord)
    def put(self, body, version):
        """The draft's title, criteria and items become these (400 if a key, label, maximum
        or points is not valid; 409 rubric_not_draft or rubric_in_use)."""
        township_id = authenticate().township_id
        rubric = rules.township_rubric(township_id, version, lock=True)
        rules.save_draft(rubric, title=body["title"], criteria=body["criteria"],
                         subject=body["subject"])
        return rules.rubric_data(rubric, township_id)


@blp.route("/rubrics/<int:version>/copy", methods=["POST"])
@roles_required("admin")
@blp.response(201, RubricRecord)
def copy_rubric(version):
    township_id = authenticate().township_id
    draft = rules.copy_rubric(rules.township_rubric(township_id, version), township_id)
    return rules.rubric_data(draft, township_id)


@blp.route("/rubrics/<int:version>/activate", methods=["POST"])
@roles_required("admin")
@blp.response(200, RubricRecord)
def activate_rubric(version):
    township_id = authenticate().township_id
    rubric = rules.township_rubric(township_id, version, lock=True)
    rules.activate_rubric(rubric)
    return rules.rubric_data(rubric, township_id)
