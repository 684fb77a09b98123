"""GET /inspections?round_id=: older history on demand (contract, Pull: "Older history is
read on demand"). A first pull leaves out the inspections of old rounds
(phones/first_pull.py); a phone asks for one round's when its user opens it.

An inspector reads their own inspections of the round; supervisors and admins every
inspection of it in their township (as their pull carries). One round holds at most
one inspection per group and inspector, so the answer is one page: no paging.
"""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import selectinload

from ..auth import authenticate, extend_device_token, roles_required
from ..extensions import db
from ..models import Inspection, Round
from ..phones.content import inspection_data
from ..scope import MAX_ID, in_township

blp = Blueprint("api_history", __name__, description="History on demand")


class HistoryQuery(Schema):
    round_id = fields.Integer(required=True, strict=False,
                              validate=validate.Range(min=1, max=MAX_ID))


class HistoryResponse(Schema):
    round_id = fields.Integer()
    # each in the `data` shape of a pulled `inspection`
    inspections = fields.List(fields.Dict())


@blp.route("/inspections")
@roles_required()
@blp.arguments(HistoryQuery, location="query")
@blp.response(200, HistoryResponse)
def round_history(args):
    user = authenticate()
    round_ = in_township(Round, args["round_id"], user)   # another township's: 404
    query = (db.select(Inspection).where(Inspection.round_id == round_.id,
                                         Inspection.township_id == user.township_id)
             .options(selectinload(Inspection.photos))
             .order_by(Inspection.started_at, Inspection.id))
    if not user.can_review:
        query = query.where(Inspection.inspector_id == user.id)
    inspections = db.session.execute(query).scalars().all()
    extend_device_token()
    return {"round_id": round_.id, "inspections": [inspection_data(i) for i in inspections]}
