"""The public notice board: published lists only (no photos, no GPS)."""
from flask import Blueprint, render_template

from ..extensions import db
from ..models import PublishedRanking, Round

bp = Blueprint("board", __name__, url_prefix="/board")


@bp.route("/")
def index():
    published = db.session.execute(
        db.select(Round).where(Round.state == "published").order_by(Round.ends_on.desc())
    ).scalars().all()
    return render_template("web/board.html", rounds=published)


def latest_snapshot(round_id: int) -> PublishedRanking | None:
    return db.session.execute(
        db.select(PublishedRanking).where(PublishedRanking.round_id == round_id)
        .order_by(PublishedRanking.version.desc()).limit(1)).scalar_one_or_none()
