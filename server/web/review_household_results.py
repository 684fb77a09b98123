"""Supervisor pages of a household round: its results by village and group, searchable,
with the households not checked; publishing; CSV and XLSX exports."""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from sync.states import HOUSEHOLD_SUBJECT

from ..auth import roles_required
from ..errors import Problems
from ..extensions import db
from ..i18n import current_language, t
from ..models import Round, Village
from ..review.exports import spreadsheet
from ..review.household_results import (STATUSES, check_household_round, group_names,
                                        live_results, published_results, results_page,
                                        results_table)
from ..review.publishing import publish
from ..review.snapshots import HOUSEHOLD_RESULTS, versions
from ..scope import id_arg, in_township
from .blueprints import review as bp
from .flashes import flash_problems
from .review import SUPERVISORS

SEARCH_MAX = 50   # a 户主 is at most 50 characters: a longer search finds nothing anyway


def household_rounds() -> list[Round]:
    return db.session.execute(db.select(Round).where(
        Round.township_id == current_user.township_id, Round.subject == HOUSEHOLD_SUBJECT)
        .order_by(Round.starts_on.desc(), Round.id.desc())).scalars().all()


@bp.route("/results")
@roles_required(*SUPERVISORS)
def household_results_index():
    """The latest household round's results (the navigation's link)."""
    rounds = household_rounds()
    if not rounds:
        return render_template("web/household_results.html", round=None, rounds=[])
    return redirect(url_for("review.household_results", round_id=rounds[0].id))


def _filters() -> dict:
    page = request.args.get("page", "")
    status = request.args.get("status", "")
    return {"group": id_arg("group"), "q": request.args.get("q", "").strip()[:SEARCH_MAX],
            "status": status if status in STATUSES else "all",
            # isdecimal, not isdigit: "²" is a digit that int() refuses
            "page": int(page) if page.isascii() and page.isdecimal() and len(page) < 7 else 1}


def _to_rankings(round_: Round):
    """A group round has its rankings instead of results."""
    return redirect(url_for("review.rankings", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/results")
@roles_required(*SUPERVISORS)
def household_results(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    if round_.subject != HOUSEHOLD_SUBJECT:
        return _to_rankings(round_)
    filters = _filters()
    found = results_page(round_, group_id=filters["group"], search=filters["q"],
                         status=filters["status"], page=filters["page"])
    villages = db.session.execute(db.select(Village).where(
        Village.township_id == current_user.township_id).order_by(Village.id)).scalars().all()

    def page_url(page: int | None = None, **changes):
        args = {"group": filters["group"], "q": filters["q"] or None,
                "status": None if filters["status"] == "all" else filters["status"],
                "page": found.page if page is None else page, **changes}
        return url_for("review.household_results", round_id=round_id,
                       **{k: v for k, v in args.items() if v not in (None, "", 1)})

    return render_template(
        "web/household_results.html", round=round_, rounds=household_rounds(), found=found,
        filters=filters, villages=villages, places=group_names(round_.township_id),
        statuses=STATUSES, versions=versions(HOUSEHOLD_RESULTS, round_.id), page_url=page_url)


@bp.route("/rounds/<int:round_id>/results/publish", methods=["POST"])
@roles_required(*SUPERVISORS)
def publish_household_results(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    check_household_round(round_)
    try:
        publish(round_, current_user)
    except Problems as exc:
        flash_problems(exc)
    else:
        flash("hr.published")
    return redirect(url_for("review.household_results", round_id=round_id), 303)


@bp.route("/rounds/<int:round_id>/results.<fmt>")
@roles_required(*SUPERVISORS)
def export_household_results(round_id: int, fmt: str):
    """The results as csv|xlsx: live, or a published version's (?version=n)."""
    round_ = in_township(Round, round_id, current_user)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    if round_.subject != HOUSEHOLD_SUBJECT:
        return _to_rankings(round_)
    version = id_arg("version", "published version")
    result = live_results(round_) if version is None else published_results(round_, version)
    if result is None:
        abort(404)
    lang = current_language()
    rows = results_table(result, group_names(round_.township_id), lang)
    data, mimetype = spreadsheet(rows, fmt, t("hr.title", lang))
    suffix = "" if version is None else f"-v{version}"
    return send_file(data, mimetype=mimetype, as_attachment=True,
                     download_name=f"round-{round_.id}-household-results{suffix}.{fmt}")
