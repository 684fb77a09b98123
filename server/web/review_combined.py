"""Supervisor pages: choose published rounds, see their combined result, publish it
(frozen versions), export it. The rule is server/review/combined.py's."""
from datetime import datetime

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..auth import roles_required
from ..errors import Problems
from ..i18n import current_language, format_date, t
from ..review import combined as rules
from ..review.exports import combined_table, spreadsheet
from ..scope import id_arg, is_id
from .blueprints import review as bp
from .flashes import flash_message
from .review import SUPERVISORS


@bp.app_template_filter("iso_date")
def iso_date(value: str) -> str:
    """A date or a time as results store them (ISO 8601), as pages show a date."""
    parsed = datetime.fromisoformat(value)
    return format_date(parsed if "T" in value else parsed.date())


def chosen_ids(values: list[str]) -> list[int]:
    """Round ids from checkboxes or hidden fields; anything else names no round."""
    if not all(is_id(v) for v in values):
        abort(404)
    return [int(v) for v in values]


def _page(chosen: list[int], *, result=None, problems=(), name="", name_en="", status=200):
    existing = None
    if result is not None:
        existing = rules.existing_result(current_user.township_id, chosen)
    return render_template(
        "web/combined.html", rounds=rules.published_rounds(current_user.township_id),
        chosen=set(chosen), chosen_ids=chosen, result=result, problems=problems,
        existing=existing, name=name, name_en=name_en,
        results=rules.township_combined(current_user.township_id)), status


@bp.route("/combined")
@roles_required(*SUPERVISORS)
def combined():
    """The rounds to choose from; with ?rounds=…, their combined result."""
    chosen = chosen_ids(request.args.getlist("rounds"))
    if not chosen:
        return _page([])
    try:
        rounds = rules.chosen_rounds(chosen, current_user)
    except Problems as exc:
        return _page(chosen, problems=exc.problems, status=exc.status)
    return _page(chosen, result=rules.live_combined(rounds))


@bp.route("/combined/publish", methods=["POST"])
@roles_required(*SUPERVISORS)
def publish_combined():
    chosen = chosen_ids(request.form.getlist("rounds"))
    name, name_en = request.form.get("name", ""), request.form.get("name_en", "")
    rounds = None
    try:
        rounds = rules.chosen_rounds(chosen, current_user)
        snapshot = rules.publish_combined(rounds, current_user, name, name_en)
    except Problems as exc:
        result = rules.live_combined(rounds) if rounds else None
        return _page(chosen, result=result, problems=exc.problems, name=name, name_en=name_en,
                     status=exc.status)
    flash_message("cb.published")
    return redirect(url_for("review.combined_result", combined_id=snapshot.combined_id), 303)


@bp.route("/combined/<int:combined_id>")
@roles_required(*SUPERVISORS)
def combined_result(combined_id: int):
    """A published combined result (the latest version unless ?version=n)."""
    result_row = rules.combined_in_scope(combined_id, current_user)
    result = rules.published_combined(result_row, id_arg("version", "published version"))
    if result is None:
        abort(404)
    return render_template("web/combined_result.html", combined=result_row, result=result,
                           versions=rules.published_versions(result_row.id))


@bp.route("/combined/export.<fmt>", defaults={"combined_id": None})
@bp.route("/combined/<int:combined_id>/export.<fmt>")
@roles_required(*SUPERVISORS)
def export_combined(combined_id, fmt: str):
    """The combined ranking as csv|xlsx: of ?rounds=… live, or of a published version."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    if combined_id is None:
        try:
            result = rules.live_combined(rules.chosen_rounds(
                chosen_ids(request.args.getlist("rounds")), current_user))
        except Problems:
            abort(409)
        download = "combined"
    else:
        result = rules.published_combined(rules.combined_in_scope(combined_id, current_user),
                                          id_arg("version", "published version"))
        if result is None:
            abort(404)
        download = f"combined-{combined_id}-v{result['published']['version']}"
    lang = current_language()
    data, mimetype = spreadsheet(combined_table(result, lang), fmt, t("ex.sheet_combined", lang))
    return send_file(data, mimetype=mimetype, as_attachment=True,
                     download_name=f"{download}.{fmt}")
