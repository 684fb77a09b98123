"""Supervisor pages of star ratings (星级评定): choose published household rounds, preview
their stars, start the public notice; a rating's households a page at a time, its
objections recorded and decided, finalizing, revoking a household's stars, its versions
and its plaque list. The rules are server/points/stars.py's; every refusal is shown on
the page in the reader's language, with what was typed still in the form."""
from urllib.parse import urlencode

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from sync.states import HOUSEHOLD_SUBJECT

from ..auth import roles_required
from ..errors import CONTROL_CHARACTERS, Problem, Problems
from ..extensions import db
from ..i18n import current_language, name_in, t
from ..models import Household, Round, Village
from ..models.stars import FINAL
from ..admin.township import display_precision, township_settings
from ..points import star_notice as notice
from ..points import stars as rules
from ..review.exports import spreadsheet
from ..review.household_results import group_names
from ..review.plaque_list import plaque_file_name, plaque_table
from ..review.snapshots import HOUSEHOLD_RESULTS, STAR_RATINGS, published_owners, versions
from ..review.star_lists import found_households, page_of, plaque_rows, star_counts
from ..scope import id_arg, is_id
from .blueprints import review as bp
from .flashes import flash_message
from .review import SUPERVISORS
from .review_combined import chosen_ids

SEARCH_MAX = 50   # a 户主 is at most 50 characters: a longer search finds nothing anyway
FORM_TEXT_MAX = 2000   # what a form field may carry back into the page on an error


def _published_household_rounds() -> list[Round]:
    return db.session.execute(db.select(Round).where(
        Round.township_id == current_user.township_id, Round.subject == HOUSEHOLD_SUBJECT,
        Round.id.in_(published_owners(HOUSEHOLD_RESULTS)))
        .order_by(Round.starts_on.desc(), Round.id.desc())).scalars().all()


def _villages() -> list[Village]:
    return db.session.execute(db.select(Village).where(
        Village.township_id == current_user.township_id).order_by(Village.id)).scalars().all()


def _filters() -> dict:
    page = request.args.get("page", "")
    return {"group": id_arg("group"), "q": request.args.get("q", "").strip()[:SEARCH_MAX],
            # isdecimal, not isdigit: "²" is a digit that int() refuses
            "page": int(page) if page.isascii() and page.isdecimal() and len(page) < 7 else 1}


def _listing(entries: list[dict], address: str, carry: list[tuple]) -> dict:
    """What star_households.html and the household filters read: the page of households the
    query string asks for, and the addresses of its neighbours. `address`: the page's
    own; `carry`: the query arguments it keeps (the chosen rounds, a version)."""
    filters = _filters()
    found = page_of(found_households(entries, group_id=filters["group"], search=filters["q"]),
                    filters["page"])

    def page_url(page: int | None = None, **changes):
        args = {"group": filters["group"], "q": filters["q"] or None, "page": found.page if page is None else page,
                **changes}
        query = carry + [(k, v) for k, v in args.items() if v not in (None, "", 1)]
        return f"{address}?{urlencode(query)}" if query else address

    return {"found": found, "filters": filters, "page_url": page_url, "keep": carry,
            "filter_url": address, "villages": _villages(), "counts": star_counts(entries)}


# The list, the preview and starting the notice -------------------------------------------

def _ratings_page(chosen: list[int], *, preview=None, problems=(), name="", name_en="",
                  status=200):
    township = current_user.township_id
    listing = {}
    if preview is not None:
        listing = _listing(preview["households"], url_for("review.star_ratings"),
                           [("rounds", r) for r in chosen])
        listing.update(precision=preview["precision"], n_rounds=len(chosen))
    return render_template(
        "web/star_ratings.html", ratings=rules.township_ratings(township),
        rounds=_published_household_rounds(), chosen=set(chosen), chosen_ids=chosen,
        problems=problems, name=name[:FORM_TEXT_MAX], name_en=name_en[:FORM_TEXT_MAX],
        notice_days=township_settings(township)["notice_days"],
        places=group_names(township), **listing), status


@bp.route("/stars")
@roles_required(*SUPERVISORS)
def star_ratings():
    """The township's ratings; with ?rounds=…, the live preview of those rounds' stars."""
    chosen = chosen_ids(request.args.getlist("rounds"))
    if not chosen:
        return _ratings_page([])
    try:
        preview = rules.compute_rating(rules.chosen_household_rounds(chosen, current_user))
    except Problem as exc:
        return _ratings_page(chosen, problems=exc.problems, status=exc.status)
    return _ratings_page(chosen, preview=preview)


@bp.route("/stars", methods=["POST"])
@roles_required(*SUPERVISORS)
def start_star_rating():
    chosen = chosen_ids(request.form.getlist("rounds"))
    name, name_en = request.form.get("name", ""), request.form.get("name_en", "")
    rounds = None
    try:
        rounds = rules.chosen_household_rounds(chosen, current_user)
        frozen = rules.start_notice(rounds, current_user, name, name_en)
    except Problem as exc:
        preview = rules.compute_rating(rounds) if rounds else None
        return _ratings_page(chosen, preview=preview, problems=exc.problems, name=name,
                             name_en=name_en, status=exc.status)
    flash_message("sr.started")
    return redirect(url_for("review.star_rating", rating_id=frozen.rating_id), 303)


# A rating's page and what is done on it ----------------------------------------------

def _rating_page(rating, *, problems=(), objection_form=None, decide_form=None,
                 revoke_form=None, status=200):
    township = current_user.township_id
    version = id_arg("version", "published version")
    result = rules.rating_version(rating, version)
    if result is None:
        abort(404)
    objections = rules.rating_objections(rating.id)
    households = {h.id: h for h in db.session.execute(db.select(Household).where(
        Household.id.in_({o.household_id for o in objections}))).scalars()}
    listing = _listing(result["households"], url_for("review.star_rating", rating_id=rating.id),
                       [] if version is None else [("version", version)])
    return render_template(
        "web/star_rating.html", rating=rating, result=result, problems=problems,
        versions=versions(STAR_RATINGS, rating.id), places=group_names(township),
        objections=[(o, households[o.household_id]) for o in objections],
        contact=township_settings(township)["objection_contact"],
        precision=result.get("precision", display_precision(township)),
        n_rounds=len(rating.round_ids), objection_form=objection_form or {},
        decide_form=decide_form or {}, revoke_form=revoke_form or {}, **listing), status


@bp.route("/stars/<int:rating_id>")
@roles_required(*SUPERVISORS)
def star_rating(rating_id: int):
    """A rating: its latest version unless ?version=n."""
    return _rating_page(rules.rating_in_scope(rating_id, current_user))


def _refused(rating, problem: Problem, **typed):
    """The rating's page again, saying in the reader's language what was refused, with
    what was typed still in its form; the request keeps nothing (its status is 4xx)."""
    return _rating_page(rating, problems=problem.problems, status=problem.status, **typed)


def _typed(*names: str) -> dict:
    """What the form carried, cut to a length a page can show again."""
    return {n: request.form.get(n, "")[:FORM_TEXT_MAX] for n in names}


def _household(typed: dict) -> int:
    """The household a form names by its group and 户号, in the caller's township."""
    group, number = typed["group"], typed["number"].strip()
    problems = []
    if not group:
        problems.append(Problem("required", field="group"))
    elif not is_id(group):
        problems.append(Problem("choice", field="group"))
    if not number:
        problems.append(Problem("required", field="number"))
    elif not CONTROL_CHARACTERS.isdisjoint(number):     # a NUL PostgreSQL would refuse
        problems.append(Problem("control_character", field="number"))
    if problems:
        raise Problems(problems)
    found = db.session.execute(db.select(Household.id).where(
        Household.township_id == current_user.township_id, Household.group_id == int(group),
        Household.number == number)).scalar_one_or_none()
    if found is None:
        raise Problems([Problem("household_number", field="number")])
    return found


def _received_on(text: str) -> str | None:
    """The day typed, as the rules read it (ISO 8601); empty: today."""
    return text.strip() or None


@bp.route("/stars/<int:rating_id>/objections", methods=["POST"])
@roles_required(*SUPERVISORS)
def record_objection(rating_id: int):
    rating = rules.rating_in_scope(rating_id, current_user)
    typed = _typed("group", "number", "text", "received_on")
    try:
        notice.record_objection(rating.id, current_user, _household(typed), typed["text"],
                                received_on=_received_on(typed["received_on"]))
    except Problem as exc:
        return _refused(rating, exc, objection_form=typed)
    flash_message("sr.recorded")
    return redirect(url_for("review.star_rating", rating_id=rating.id, _anchor="objections"),
                    303)


def _stars(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdecimal() and len(text) < 3):
        raise Problem("integer", field="stars")
    return int(text)


@bp.route("/stars/objections/<int:objection_id>/decide", methods=["POST"])
@roles_required(*SUPERVISORS)
def decide_objection(objection_id: int):
    _objection, rating = notice.objection_in_scope(objection_id, current_user)
    typed = {**_typed("decision", "stars", "reason"), "objection": objection_id}
    try:
        stars = _stars(typed["stars"])
        # A dismissal carries no stars: a level left chosen in the form is not one.
        notice.decide_objection(objection_id, current_user, typed["decision"],
                                stars if typed["decision"] == "upheld" else None,
                                typed["reason"])
    except Problem as exc:
        return _refused(rating, exc, decide_form=typed)
    flash_message("sr.decided")
    return redirect(url_for("review.star_rating", rating_id=rating.id, _anchor="objections"),
                    303)


@bp.route("/stars/<int:rating_id>/finalize", methods=["POST"])
@roles_required(*SUPERVISORS)
def finalize_star_rating(rating_id: int):
    rating = rules.rating_in_scope(rating_id, current_user)
    try:
        notice.finalize_rating(rating.id, current_user)
    except Problem as exc:
        return _refused(rating, exc)
    flash_message("sr.finalized")
    return redirect(url_for("review.star_rating", rating_id=rating.id), 303)


@bp.route("/stars/<int:rating_id>/revoke", methods=["POST"])
@roles_required(*SUPERVISORS)
def revoke_stars(rating_id: int):
    rating = rules.rating_in_scope(rating_id, current_user)
    typed = _typed("group", "number", "reason")
    try:
        notice.revoke_stars(rating.id, current_user, _household(typed), typed["reason"])
    except Problem as exc:
        return _refused(rating, exc, revoke_form=typed)
    flash_message("sr.revoked_done")
    return redirect(url_for("review.star_rating", rating_id=rating.id), 303)


@bp.route("/stars/<int:rating_id>/plaques.<fmt>")
@roles_required(*SUPERVISORS)
def export_plaque_list(rating_id: int, fmt: str):
    """The plaque list of a final version (the latest unless ?version=n), csv|xlsx."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rating = rules.rating_in_scope(rating_id, current_user)
    result = rules.rating_version(rating, id_arg("version", "published version"))
    if result is None or result["rating"]["state"] != FINAL:
        abort(404)
    lang = current_language()
    rows = plaque_table(plaque_rows(rating.township_id, result["households"]), lang)
    data, mimetype = spreadsheet(rows, fmt, t("sr.plaque_list", lang))
    return send_file(data, mimetype=mimetype, as_attachment=True, download_name=plaque_file_name(
        name_in(rating, lang), rating.id, result["published"]["version"], fmt, lang))
