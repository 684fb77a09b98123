"""Supervisor pages: the review queue."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..auth import roles_required
from ..extensions import db
from ..models import Inspection

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.route("/")
@roles_required("supervisor", "admin")
def queue():
    inspections = db.session.execute(
        db.select(Inspection).where(Inspection.township_id == current_user.township_id)
        .order_by(Inspection.received_at.desc())).scalars().all()
    return render_template("web/review_queue.html", inspections=inspections)
