"""Admin pages: users and their devices (revoke a lost phone), places, rounds."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..auth import roles_required
from ..audit import record_audit
from ..errors import ApiError
from ..extensions import db
from ..models import DeviceToken, Round, User, Village, utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required("admin")
def index():
    township_id = current_user.township_id
    users = db.session.execute(db.select(User).where(User.township_id == township_id)
                               .order_by(User.role, User.username)).scalars().all()
    villages = db.session.execute(db.select(Village).where(
        Village.township_id == township_id).order_by(Village.id)).scalars().all()
    rounds = db.session.execute(db.select(Round).where(
        Round.township_id == township_id).order_by(Round.starts_on.desc())).scalars().all()
    return render_template("web/admin.html", users=users, villages=villages, rounds=rounds)


@bp.route("/devices/<int:device_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_device(device_id: int):
    device = db.session.get(DeviceToken, device_id)
    if device is None or device.user.township_id != current_user.township_id:
        raise ApiError(404)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        record_audit("revoke_device", "device", device.id,
                     detail={"user": device.user.username, "device": device.device_name})
        db.session.commit()
    flash("admin.device_revoked")
    return redirect(url_for("admin.index"))
