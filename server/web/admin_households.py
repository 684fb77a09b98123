"""Admin: the township's households (户), by village and group, paged in the database,
found by 户号 or 户主; the CSV out, and the CSV in with what it will change shown first
(rules: server/admin/households.py). The head's name is a person's: these pages are
the township's admins' only, never the board's."""
import base64
import binascii

from flask import redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..admin.households import (COLUMNS, export_households, import_households,
                                list_households, preview_households)
from ..admin.places import MAX_CSV_BYTES, too_large_file
from ..auth import roles_required
from ..errors import Problems
from ..extensions import db
from ..models import Village
from ..scope import id_arg
from .blueprints import admin as bp
from .flashes import flash_message
from .forms import PlacesUploadForm, form_problems

# A search longer than any 户号 or 户主 finds nothing: cut to the longest.
SEARCH_MAX = 50


def _page_number() -> int:
    text = request.args.get("page", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 1


def households_page(form, problems=(), line_problems=(), preview=None, raw=b"", filename=""):
    filters = {"village": id_arg("village"), "group": id_arg("group"),
               "q": request.args.get("q", "").strip()[:SEARCH_MAX]}
    township_id = current_user.township_id
    found = list_households(township_id, village_id=filters["village"],
                            group_id=filters["group"], search=filters["q"],
                            page=_page_number())
    villages = db.session.execute(db.select(Village).where(
        Village.township_id == township_id).order_by(Village.id)).scalars().all()

    def page_url(page: int | None = None, **changes):
        args = {"village": filters["village"], "group": filters["group"],
                "q": filters["q"] or None, "page": found.page if page is None else page, **changes}
        return url_for("admin.households", **{k: v for k, v in args.items() if v})

    return render_template(
        "web/admin_households.html", form=form, problems=problems,
        line_problems=line_problems, columns=COLUMNS, preview=preview, filename=filename,
        # The checked file travels with the confirmation as it was, byte for byte.
        encoded=base64.b64encode(raw).decode("ascii"),
        found=found, villages=villages, filters=filters, page_url=page_url,
        search_max=SEARCH_MAX), 400 if problems or line_problems else 200


@bp.route("/households")
@roles_required("admin")
def households():
    return households_page(PlacesUploadForm())


@bp.route("/households/import", methods=["POST"])
@roles_required("admin")
def import_households_page():
    """An uploaded file is only previewed; the preview's confirmation imports it."""
    form = PlacesUploadForm()
    if not form.validate_on_submit():
        return households_page(form, problems=form_problems(form))
    upload = form.file.data
    raw = upload.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:  # as the API refuses it, in the reader's language
        return households_page(form, line_problems=too_large_file(
            "households_file_too_large").problems)
    try:
        preview = preview_households(current_user.township_id, raw)
    except Problems as exc:
        return households_page(form, line_problems=exc.problems)  # nothing was written
    return households_page(form, preview=preview, raw=raw, filename=upload.filename)


@bp.route("/households/import/confirm", methods=["POST"])
@roles_required("admin")
def confirm_households_import():
    try:
        raw = base64.b64decode(request.form.get("file_data", ""), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    try:
        result = import_households(current_user.township_id, raw,
                                   request.form.get("filename") or None)
    except Problems as exc:
        return households_page(PlacesUploadForm(), line_problems=exc.problems)
    flash_message("hh.imported", added=result.added, changed=result.changed)
    return redirect(url_for("admin.households"), 303)


@bp.route("/households.csv")
@roles_required("admin")
def export_households_page():
    return send_file(export_households(current_user.township_id), mimetype="text/csv",
                     as_attachment=True, download_name="households.csv")
