"""Admin: the township's settings (display precision, the star ratings' notice and
thresholds, the points table for checks, points per star level). The rules and the audit
entry are the domain's (server/admin/township.py), shared with the API."""
import re

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from sync.ranking import PRECISIONS

from ..admin.township import STAR_LEVELS, TABLE_ROWS, change_settings, township_settings
from ..auth import roles_required
from ..errors import Problems
from .blueprints import admin as bp
from ..database import refuse_request
from .flashes import flash_message

_WHOLE = re.compile(r"-?[0-9]{1,6}")
_DECIMAL = re.compile(r"-?[0-9]{1,6}(\.[0-9]{1,4})?")


def _number(text: str, decimals: bool = False):
    """A typed number as the domain reads it; anything else goes to the domain as it is,
    which refuses it in its own words (a regex, not isdigit: "¹" is a digit to Python)."""
    text = text.strip().replace("−", "-")
    if _WHOLE.fullmatch(text):
        return int(text)
    if decimals and _DECIMAL.fullmatch(text):
        return float(text)
    return text


def _posted() -> dict:
    """The settings the form names (a form without a field leaves that setting be)."""
    form = request.form
    posted = {name: _number(form[name]) for name in
              ("display_precision", "notice_days", "veto_points") if name in form}
    if "objection_contact" in form:
        posted["objection_contact"] = form["objection_contact"]
    for name, field, decimals in (("star_thresholds", "star_threshold", True),
                                  ("star_points", "star_points", False)):
        if any(f"{field}_{level}" in form for level in STAR_LEVELS):
            posted[name] = {level: _number(form.get(f"{field}_{level}", ""), decimals)
                            for level in STAR_LEVELS}
    if any(key.startswith(("min_score_", "band_points_")) for key in form):
        rows = []
        for n in range(TABLE_ROWS[1]):
            low, points = form.get(f"min_score_{n}", ""), form.get(f"band_points_{n}", "")
            if low.strip() or points.strip():       # an empty row is no band
                rows.append({"min_score": _number(low, decimals=True),
                             "points": _number(points)})
        posted["points_table"] = rows
    return posted


def settings_page(settings: dict, problems=(), status: int = 200):
    table = list(settings["points_table"])
    # Room for two more bands than the township has, up to what the domain allows.
    table += [{"min_score": "", "points": ""}] * (min(len(table) + 2, TABLE_ROWS[1]) - len(table))
    return render_template("web/admin_township.html", settings=settings, table=table,
                           precisions=PRECISIONS, levels=STAR_LEVELS, problems=problems), status


@bp.route("/township", methods=["GET", "POST"])
@roles_required("admin")
def township():
    if request.method == "GET":
        return settings_page(township_settings(current_user.township_id))
    posted = _posted()
    try:
        change_settings(current_user, posted)
    except Problems as exc:
        refuse_request()
        return settings_page({**township_settings(current_user.township_id), **posted},
                             exc.problems, 400)
    flash_message("admin.township_saved")
    return redirect(url_for("admin.township"), 303)
