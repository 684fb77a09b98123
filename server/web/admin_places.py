"""Admin: villages and villager groups: the CSV out, the CSV in (what it will change
first, then confirmed), and a group's reference point (rules: server/admin/places.py,
server/admin/references.py)."""
import base64
import binascii

from flask import redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..admin import references
from ..admin.places import (COLUMNS, export_places, import_places,
                            preview_places, township_places)
from ..auth import roles_required
from ..models import VillagerGroup
from ..errors import Problem, Problems
from ..scope import in_township
from .blueprints import admin as bp
from .flashes import flash_message, flash_problems
from .forms import PlacesUploadForm, form_problems


def places_page(form, problems=(), line_problems=(), preview=None, raw=b"", filename=""):
    return render_template(
        "web/admin_places.html", form=form, problems=problems, line_problems=line_problems,
        columns=COLUMNS, preview=preview, filename=filename,
        # The checked file travels with the confirmation as it was, byte for byte.
        encoded=base64.b64encode(raw).decode("ascii"),
        groups=township_places(current_user.township_id)), \
        400 if problems or line_problems else 200


@bp.route("/places/import", methods=["GET", "POST"])
@roles_required("admin")
def import_places_page():
    """An uploaded file is only previewed; the preview's confirmation imports it."""
    form = PlacesUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read()
        try:
            preview = preview_places(current_user.township_id, raw)
        except Problems as exc:
            return places_page(form, line_problems=exc.problems)  # nothing was written
        return places_page(form, preview=preview, raw=raw, filename=upload.filename)
    if form.is_submitted():
        return places_page(form, problems=form_problems(form))
    return places_page(form)


@bp.route("/places/import/confirm", methods=["POST"])
@roles_required("admin")
def confirm_places_import():
    try:
        raw = base64.b64decode(request.form.get("file_data", ""), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    filename = request.form.get("filename") or None
    try:
        result = import_places(current_user.township_id, raw, filename)
    except Problems as exc:
        return places_page(PlacesUploadForm(), line_problems=exc.problems)
    flash_message("admin.places_imported", villages=result.villages, groups=result.groups)
    return redirect(url_for("admin.index"))


@bp.route("/places.csv")
@roles_required("admin")
def export_places_page():
    return send_file(export_places(current_user.township_id), mimetype="text/csv",
                     as_attachment=True, download_name="places.csv")


def reference_page(group: VillagerGroup, problems=(), status=200):
    point, fixes = references.inspections_point(group)
    return render_template("web/admin_reference.html", group=group, problems=problems,
                           median=point, fixes=fixes), status


def posted_number(name: str) -> float | None | Problem:
    text = request.form.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return Problem("number", field=name)


@bp.route("/groups/<int:group_id>/reference", methods=["GET", "POST"])
@roles_required("admin")
def group_reference(group_id: int):
    group = in_township(VillagerGroup, group_id, current_user)
    if request.method == "GET":
        return reference_page(group)
    lat, lon = posted_number("lat"), posted_number("lon")
    problems = [p for p in (lat, lon) if isinstance(p, Problem)]
    if not problems:
        try:
            references.set_reference(group, lat, lon)
        except Problems as exc:
            problems = exc.problems
    if problems:
        return reference_page(group, problems, 400)
    flash_message("admin.reference_saved")
    return redirect(url_for("admin.import_places_page"), 303)


@bp.route("/groups/<int:group_id>/reference/from-inspections", methods=["POST"])
@roles_required("admin")
def group_reference_from_inspections(group_id: int):
    group = in_township(VillagerGroup, group_id, current_user)
    try:
        count = references.reference_from_inspections(group)
    except Problems as exc:
        flash_problems(exc)
        return redirect(url_for("admin.group_reference", group_id=group.id), 303)
    flash_message("admin.reference_from_inspections_saved", count=count)
    return redirect(url_for("admin.import_places_page"), 303)
