"""Admin pages: users (create, edit, reset a password, deactivate) and their devices (what
each last reported; revoke a lost phone), places, rounds.

Places import: admin_places.py; rounds and assignments: admin_rounds.py (same blueprint).
The rules and audit entries are the domain's (server/admin/users.py).
"""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..admin import users as rules
from ..admin.rounds import REASON_MAX, township_rounds
from ..auth import roles_required
from ..errors import Problems
from ..extensions import db
from ..models import DeviceToken, User, Village
from ..scope import in_township
from .blueprints import admin as bp
from .flashes import flash_message, flash_problems
from .forms import PasswordResetForm, UserEditForm, UserForm, form_problems


@bp.route("/")
@roles_required("admin")
def index():
    return index_page()


def index_page(problems=(), typed: dict | None = None):
    """The admin page; after a refused rename, its problems (each naming its field) and
    the name as typed in that device's field (`typed`: {device id: name})."""
    township_id = current_user.township_id
    users = rules.township_users(township_id)
    villages = db.session.execute(db.select(Village).where(
        Village.township_id == township_id).order_by(Village.id)).scalars().all()
    return render_template("web/admin.html", users=users, villages=villages,
                           rounds=township_rounds(township_id), reason_max=REASON_MAX,
                           problems=problems, typed=typed or {}), 400 if problems else 200


@bp.route("/devices/<int:device_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_device(device_id: int):
    rules.revoke_device(in_township(DeviceToken, device_id, current_user))
    flash_message("admin.device_revoked")
    return redirect(_back(url_for("admin.index")))


def _back(default: str) -> str:
    """Back to the page the form was on (the device list or the admin index)."""
    return {"devices": url_for("admin.devices")}.get(request.form.get("back"), default)


@bp.route("/devices")
@roles_required("admin")
def devices():
    return render_template("web/admin_devices.html",
                           devices=rules.township_devices(current_user.township_id))


@bp.route("/devices/<int:device_id>/rename", methods=["POST"])
@roles_required("admin")
def rename_device(device_id: int):
    device = in_township(DeviceToken, device_id, current_user)
    name = request.form.get("device_name", "")
    try:
        rules.rename_device(device, name)
    except Problems as exc:
        # the page itself, not a flash: the problem names the field and the name stays
        return index_page(exc.problems, {device.id: name})
    flash_message("admin.device_renamed")
    return redirect(url_for("admin.index"))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = UserForm()
    problems = []
    if form.validate_on_submit():
        try:
            rules.create_user(current_user.township_id, username=form.username.data or "",
                              display_name=form.display_name.data or "",
                              role=form.role.data or "", password=form.password.data or "")
        except Problems as exc:
            problems = exc.problems
        else:
            flash_message("admin.user_created")
            return redirect(url_for("admin.index"))
    elif form.is_submitted():
        problems = form_problems(form)
    return render_template("web/admin_user_form.html", form=form, problems=problems,
                           limits=rules.LIMITS), \
        400 if problems else 200


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required("admin")
def set_user_active(user_id: int, action: str):
    user = in_township(User, user_id, current_user)
    try:
        rules.set_active(user, action == "reactivate", actor=current_user)
    except Problems as exc:
        flash_problems(exc)
    else:
        flash_message("admin.user_" + action + "d")
    return redirect(url_for("admin.index"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = in_township(User, user_id, current_user)
    form = UserEditForm(obj=user)
    problems = []
    if form.validate_on_submit():
        try:
            rules.change_user(user, role=form.role.data,
                              display_name=form.display_name.data or "", actor=current_user)
        except Problems as exc:
            problems = exc.problems
        else:
            flash_message("admin.user_saved")
            return redirect(url_for("admin.index"))
    return _user_page(user, form, PasswordResetForm(formdata=None), problems), \
        400 if problems else 200


def _user_page(user: User, form, reset_form, problems, temporary: str | None = None) -> str:
    return render_template("web/admin_user_edit.html", user=user, form=form,
                           reset_form=reset_form, problems=problems, temporary=temporary,
                           limits=rules.LIMITS)


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@roles_required("admin")
def reset_password(user_id: int):
    """Answers with the page itself, not a redirect: the temporary password is shown this
    once and never put in a cookie (where a flashed message would wait)."""
    user = in_township(User, user_id, current_user)
    reset_form = PasswordResetForm()
    try:
        temporary = rules.reset_password(user, (reset_form.password.data or "").strip())
    except Problems as exc:
        return _user_page(user, UserEditForm(obj=user, formdata=None), reset_form,
                          exc.problems), 400
    return _user_page(user, UserEditForm(obj=user, formdata=None),
                      PasswordResetForm(formdata=None), [], temporary), \
        200, {"Cache-Control": "no-store"}
