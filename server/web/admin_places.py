"""Admin: villages and villager groups from a CSV file (server/places_import.py)."""
import re

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..audit import record_audit
from ..auth import roles_required
from ..extensions import db
from ..i18n import t
from ..admin.places import COLUMNS, PlacesImportError, import_places, parse_places
from .blueprints import admin as bp
from .forms import PlacesUploadForm, error_keys

# places_import's English line errors → catalogue keys (anything else is shown as is).
LINE_ERRORS = [
    (re.compile(r"the file is not UTF-8 text"), "admin.csv_not_utf8"),
    (re.compile(r"line 1: missing column\(s\) (?P<columns>[^;]+);"), "admin.csv_missing_columns"),
    (re.compile(r"line (?P<line>\d+): more values than columns$"), "admin.csv_extra_values"),
    (re.compile(r"line (?P<line>\d+): village and group must not be empty$"), "admin.csv_empty"),
    (re.compile(r"line (?P<line>\d+): (?P<village>.+) / (?P<group>.+) appears twice$"),
     "admin.csv_twice"),
    (re.compile(r"line (?P<line>\d+): (?P<name>lat|lon) (?P<value>.+) is not a number$"),
     "admin.csv_not_number"),
    (re.compile(r"line (?P<line>\d+): (?P<name>lat|lon) (?P<value>\S+) is outside "
                r"(?P<low>\S+)\.\.(?P<high>\S+)$"), "admin.csv_out_of_range"),
    (re.compile(r"the file has no rows$"), "admin.csv_no_rows"),
]


NAME_FIELDS = ("village", "village_en", "group", "group_en")
MAX_NAME = 100  # the columns' size in the database


def check_lengths(raw: bytes) -> None:
    """Names longer than the database holds, as line errors (before anything is written)."""
    rows = parse_places(raw)
    errors = [t("admin.csv_too_long", line=n, column=name, max=MAX_NAME)
              for n, row in enumerate(rows, start=2)
              for name in NAME_FIELDS if len(row[name] or "") > MAX_NAME]
    if errors:
        raise PlacesImportError(errors)


def readable(error: str) -> str:
    for pattern, key in LINE_ERRORS:
        match = pattern.match(error)
        if match:
            return t(key, **match.groupdict())
    return error


@bp.route("/places/import", methods=["GET", "POST"])
@roles_required("admin")
def import_places_page():
    form = PlacesUploadForm()
    errors, line_errors = {}, []
    if form.validate_on_submit():
        try:
            raw = form.file.data.read()
            check_lengths(raw)
            result = import_places(current_user.township_id, raw)
        except PlacesImportError as exc:
            db.session.rollback()  # nothing written, no changes recorded
            line_errors = [readable(e) for e in exc.errors]
        else:
            record_audit("import_places", "township", current_user.township_id,
                         detail={"file": form.file.data.filename, "villages": result.villages,
                                 "groups": result.groups})
            db.session.commit()
            flash(t("admin.places_imported", villages=result.villages, groups=result.groups))
            return redirect(url_for("admin.index"))
    elif form.is_submitted():
        errors = error_keys(form)
    status = 400 if errors or line_errors else 200
    return render_template("web/admin_places.html", form=form, errors=errors,
                           line_errors=line_errors, columns=COLUMNS), status
