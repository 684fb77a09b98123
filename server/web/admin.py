"""Admin pages: users and their devices (revoke a lost phone), places, rounds.

Places import: admin_places.py; rounds and assignments: admin_rounds.py (same blueprint).
"""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth import roles_required
from ..audit import record_audit
from ..extensions import db
from ..models import DeviceToken, Round, User, Village, utcnow
from ..scope import in_township
from .blueprints import admin as bp
from .forms import UserForm, error_keys



@bp.route("/")
@roles_required("admin")
def index():
    township_id = current_user.township_id
    users = db.session.execute(db.select(User).where(User.township_id == township_id)
                               .order_by(User.role, User.username)).scalars().all()
    villages = db.session.execute(db.select(Village).where(
        Village.township_id == township_id).order_by(Village.id)).scalars().all()
    rounds = db.session.execute(db.select(Round).where(
        Round.township_id == township_id)
        .order_by(Round.starts_on.desc(), Round.id.desc())).scalars().all()
    return render_template("web/admin.html", users=users, villages=villages, rounds=rounds)


@bp.route("/devices/<int:device_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_device(device_id: int):
    device = in_township(DeviceToken, device_id, current_user)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        record_audit("revoke_device", "device", device.id,
                     detail={"user": device.user.username, "device": device.device_name})
        db.session.commit()
    flash("admin.device_revoked")
    return redirect(url_for("admin.index"))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = UserForm()
    errors = {}
    if form.validate_on_submit():
        taken = db.session.execute(db.select(User.id).where(
            User.username == form.username.data)).first()
        if taken:
            errors = {"username": ["admin.err_username_taken"]}
        else:
            user = User(township_id=current_user.township_id, username=form.username.data,
                        display_name=form.display_name.data, role=form.role.data)
            user.set_password(form.password.data)
            db.session.add(user)
            try:
                db.session.flush()
            except IntegrityError:  # taken by a request that committed meanwhile
                db.session.rollback()
                errors = {"username": ["admin.err_username_taken"]}
            else:
                record_audit("create_user", "user", user.id,
                             detail={"username": user.username, "role": user.role})
                db.session.commit()
                flash("admin.user_created")
                return redirect(url_for("admin.index"))
    elif form.is_submitted():
        errors = error_keys(form)
    return render_template("web/admin_user_form.html", form=form, errors=errors), \
        400 if errors else 200


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required("admin")
def set_user_active(user_id: int, action: str):
    user = in_township(User, user_id, current_user)
    active = action == "reactivate"
    if user.id == current_user.id and not active:
        flash("admin.cannot_deactivate_self")
        return redirect(url_for("admin.index"))
    if user.active != active:
        user.active = active
        record_audit(action + "_user", "user", user.id, detail={"username": user.username})
        db.session.commit()
    flash("admin.user_" + action + "d")
    return redirect(url_for("admin.index"))

