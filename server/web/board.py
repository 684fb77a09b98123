"""The public notice board: published lists only (no login, no photos, no GPS)."""
from datetime import date, datetime

from flask import abort, g, render_template, request

from ..admin.township import township_settings
from ..extensions import db
from ..i18n import LANGUAGES, current_language
from ..models import CombinedResult, PublishedCombined, PublishedRanking, Round, StarRating
from ..review.combined import published_combined
from ..review.publishing import published_ranking
from ..review.reasons import reason_in
from ..review.rectifications import summary, township_rectifications
from ..review.snapshots import STAR_RATINGS, snapshot
from ..review.star_lists import by_village_and_group, on_the_board, star_counts
from ..scope import id_arg
from .blueprints import board as bp


POSTER_SIZES = ("a4", "a3")


def place(entry: dict, key: str) -> str:
    """A village or group name from a ranking entry, in the page's language."""
    return (current_language() == "en" and entry.get(f"{key}_en")) or entry[key]


def reason(entry: dict) -> str:
    """A ranked group's reason in the page's language."""
    return reason_in(entry, current_language())


@bp.app_context_processor
def ranking_helpers():
    return {"rank_place": place, "rank_reason": reason}


def listed(result: dict, which: str) -> list[dict]:
    return [g for g in result["groups"] if g["list"] == which]


@bp.route("/")
def index():
    """Every round with a published snapshot, newest first, with its two lists."""
    published = db.session.execute(
        db.select(Round).where(Round.id.in_(db.select(PublishedRanking.round_id)))
        .order_by(Round.ends_on.desc(), Round.id.desc())).scalars().all()
    boards = []
    for round_ in published:
        result = published_ranking(round_)
        boards.append({"round": round_, "result": result, "published_on": datetime.fromisoformat(
                           result["published"]["published_at"]),
                       "red": listed(result, "red"), "black": listed(result, "black"),
                       "rectifications": [summary(r, state) for r, state in
                                          township_rectifications(round_.township_id,
                                                                  round_id=round_.id)]})
    return render_template("web/board.html", boards=boards, combined=combined_boards(),
                           stars=[star_board(r) for r in star_ratings()])


def combined_boards() -> list[dict]:
    """Every combined result with a published snapshot, newest first, with its lists."""
    found = db.session.execute(
        db.select(CombinedResult)
        .where(CombinedResult.id.in_(db.select(PublishedCombined.combined_id)))
        .order_by(CombinedResult.id.desc())).scalars().all()
    boards = []
    for combined in found:
        result = published_combined(combined)
        boards.append({"combined": combined, "result": result, "published_on":
                       datetime.fromisoformat(result["published"]["published_at"]),
                       "red": listed(result, "red"), "black": listed(result, "black")})
    return boards


def star_ratings() -> list[StarRating]:
    """Every star rating, newest first: each is born in notice, frozen, so each is on the
    board from its start (as published lists are, of every township)."""
    return db.session.execute(db.select(StarRating).where(
        StarRating.id.in_(db.select(STAR_RATINGS.owner_column)))
        .order_by(StarRating.id.desc())).scalars().all()


def star_board(rating: StarRating) -> dict:
    """A rating's latest version as the board shows it: its state, the notice's last day,
    the township's contact for objections and how many households have each level."""
    result = snapshot(STAR_RATINGS, rating.id).result
    return {"rating": rating, "result": result, "counts": star_counts(result["households"]),
            "contact": township_settings(rating.township_id)["objection_contact"]}


@bp.route("/stars/<int:rating_id>")
def star_rating(rating_id: int):
    """A rating's households with stars by village and group: 户号, 户主 and stars only,
    no score, no photo; a revoked household marked revoked (摘牌)."""
    rating = db.session.get(StarRating, rating_id)
    if rating is None or snapshot(STAR_RATINGS, rating.id) is None:
        abort(404)
    board = star_board(rating)
    villages = by_village_and_group(rating.township_id,
                                    on_the_board(board["result"]["households"]))
    return render_template("web/board_stars.html", s=board, villages=villages)


def print_language() -> str:
    """The language a poster or notice is printed in: `?language=` (the other one is
    offered on the sheet), else the reader's. It is not remembered: printing an English
    copy once leaves the reader's pages as they were."""
    wanted = request.args.get("language")
    return wanted if wanted in LANGUAGES else current_language()


def render_poster(result: dict | None, period_of: list[dict], heading: dict | None = None):
    """A printable poster (A4 or A3) of a published result; `period_of`: the rounds whose
    dates it covers; `heading`: what it is named after (its round's name by default)."""
    if result is None:
        abort(404)
    size = request.args.get("size", "a4")
    g.lang = print_language()
    period = (min(date.fromisoformat(r["starts_on"]) for r in period_of),
              max(date.fromisoformat(r["ends_on"]) for r in period_of))
    return render_template(
        "web/poster.html", result=result, heading=place(heading or result["round"], "name"),
        size=size if size in POSTER_SIZES else "a4", red=listed(result, "red"),
        black=listed(result, "black"), period=period,
        published_on=datetime.fromisoformat(result["published"]["published_at"]))


@bp.route("/rounds/<int:round_id>/poster")
def poster(round_id: int):
    """A round's published snapshot (?version=n, else the latest)."""
    round_ = db.session.get(Round, round_id)
    result = published_ranking(round_, id_arg("version", "published version")) \
        if round_ else None
    return render_poster(result, [result["round"]] if result else [])


@bp.route("/combined/<int:combined_id>/poster")
def combined_poster(combined_id: int):
    """A published combined result, for the whole period of its rounds."""
    combined = db.session.get(CombinedResult, combined_id)
    result = published_combined(combined, id_arg("version", "published version")) \
        if combined else None
    return render_poster(result, result["rounds"] if result else [],
                         heading=result["combined"] if result else None)
