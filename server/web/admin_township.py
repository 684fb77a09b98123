"""Admin: the township's settings (today its display precision). The rule and its audit
entry are the domain's (server/admin/township.py), shared with the API."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from sync.ranking import PRECISIONS

from ..admin.township import change_settings, township_settings
from ..auth import roles_required
from ..errors import Problems
from .blueprints import admin as bp
from ..database import refuse_request
from .flashes import flash_message


def settings_page(settings: dict, problems=(), status: int = 200):
    return render_template("web/admin_township.html", settings=settings,
                           precisions=PRECISIONS, problems=problems), status


@bp.route("/township", methods=["GET", "POST"])
@roles_required("admin")
def township():
    if request.method == "GET":
        return settings_page(township_settings(current_user.township_id))
    posted = request.form.get("display_precision", "").strip()
    # Not a whole number goes to the domain as it is, which refuses it in its own words.
    # (isdigit alone would pass "¹", which int() refuses.)
    chosen = int(posted) if posted.isascii() and posted.isdigit() and len(posted) < 3 \
        else posted
    try:
        change_settings(current_user, {"display_precision": chosen})
    except Problems as exc:
        refuse_request()
        return settings_page({"display_precision": chosen}, exc.problems, 400)
    flash_message("admin.township_saved")
    return redirect(url_for("admin.township"), 303)
