"""Admin: villages and villager groups from a CSV file (rules: server/admin/places.py)."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from ..admin.places import COLUMNS, PlacesImportError, import_places
from ..auth import roles_required
from ..extensions import db
from .blueprints import admin as bp
from .flashes import flash_message
from .forms import PlacesUploadForm, form_problems


@bp.route("/places/import", methods=["GET", "POST"])
@roles_required("admin")
def import_places_page():
    form = PlacesUploadForm()
    problems, line_problems = [], []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_places(current_user.township_id, upload.read(), upload.filename)
        except PlacesImportError as exc:
            line_problems = exc.problems  # nothing was written
        else:
            db.session.commit()
            flash_message("admin.places_imported", villages=result.villages, groups=result.groups)
            return redirect(url_for("admin.index"))
    elif form.is_submitted():
        problems = form_problems(form)
    return render_template("web/admin_places.html", form=form, problems=problems,
                           line_problems=line_problems, columns=COLUMNS), \
        400 if problems or line_problems else 200
