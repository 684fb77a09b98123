"""Star ratings (星级评定, domain.md "Star ratings"; contract `/star-ratings…`): the live
draft of a chosen set of published household rounds, starting its public notice (公示)
as the rating's first frozen version, and reading ratings back.

A rating reads only the rounds' latest published household results (snapshot kind
HOUSEHOLD_RESULTS), never live inspections, and sync.stars turns them into stars with the
township's thresholds and precision as they are when it is computed; a frozen version
never changes. The notice, objections, finalizing and revoking are star_notice.py's.
Every write is audited; the caller commits.
"""
from __future__ import annotations

from datetime import date, timedelta


from sync.households import number_sort_key
from sync.states import HOUSEHOLD_SUBJECT
from sync.stars import rate_households

from .. import changes
from ..admin.township import township_settings
from ..audit import record_audit
from ..errors import Problem
from ..extensions import db
from ..models import (Objection, PublishedStarRating, Round, StarRating, User, utcnow)
from ..models.stars import NOTICE
from ..review.combined import checked_names, chosen_published_rounds
from ..review.rankings import township_groups
from ..review.snapshots import (HOUSEHOLD_RESULTS, STAR_RATINGS, freeze, latest_snapshots,
                                published_info, snapshot)
from ..scope import MAX_ID
from sync import clock

NAME_COLUMNS = {"name": StarRating.__table__.c.name,
                "name_en": StarRating.__table__.c.name_en}
# What a household row of a rating says of its place, copied from the newest round
# that checked it (a household's number or head may change between rounds).
HOUSEHOLD_KEYS = ("group_id", "number", "head")


def chosen_household_rounds(round_ids: list[int], user: User) -> list[Round]:
    """Household rounds with published results, oldest first. Errors in the contract's
    order: a missing or another township's round 404, a round of villager groups 400
    (group_round), one never published 409."""
    return chosen_published_rounds(round_ids, user, subject=HOUSEHOLD_SUBJECT,
                                   other_subject="group_round", kind=HOUSEHOLD_RESULTS)


def compute_rating(rounds: list[Round]) -> dict:
    """The live draft of chosen_household_rounds' rounds: every household checked in at
    least one of them, by village, group and 户号, with its stars."""
    township_id = rounds[0].township_id
    settings = township_settings(township_id)
    latest = latest_snapshots(HOUSEHOLD_RESULTS, [r.id for r in rounds])
    snapshots = [latest[r.id] for r in rounds]
    places = {}
    for s in snapshots:     # oldest first: the newest round's number and head win
        places.update({h["household_id"]: h for h in s.result["households"]})
    rated = rate_households([s.result["households"] for s in snapshots],
                            thresholds=settings["star_thresholds"],
                            precision=settings["display_precision"])
    group_order = {g["id"]: n for n, g in enumerate(township_groups(township_id))}
    households = [{
        "household_id": r.household_id,
        **{k: places[r.household_id][k] for k in HOUSEHOLD_KEYS},
        "score": r.score, "rounds": r.rounds, "partial": r.partial, "veto": r.veto,
        "stars": r.stars, "revoked": False,
    } for r in rated]
    households.sort(key=lambda h: (group_order.get(h["group_id"], len(group_order)),
                                   number_sort_key(h["number"]), h["household_id"]))
    return {
        "rounds": [{"id": r.id, "name": r.name, "name_en": r.name_en,
                    "starts_on": r.starts_on.isoformat(), "ends_on": r.ends_on.isoformat(),
                    "version": s.version} for r, s in zip(rounds, snapshots)],
        "computed_at": utcnow().isoformat(),
        "precision": settings["display_precision"],
        "thresholds": settings["star_thresholds"],
        "households": households,
    }


def rating_header(rating: StarRating) -> dict:
    """What a version says of its rating besides the households (the state it froze)."""
    return {"id": rating.id, "name": rating.name, "name_en": rating.name_en,
            "state": rating.state, "notice_started_on": rating.notice_started_on.isoformat(),
            "notice_ends_on": rating.notice_ends_on.isoformat()}


def freeze_version(rating: StarRating, result: dict, user: User) -> PublishedStarRating:
    """The rating's next version, announced so phones pull the rating again. The
    caller holds the rating's row lock (a new rating's id is its own)."""
    frozen = freeze(STAR_RATINGS, rating.id, {**result, "rating": rating_header(rating)}, user)
    changes.record_change(db.session, "star_rating", rating.id, rating.township_id)
    return frozen


def start_notice(rounds: list[Round], user: User, name: str | None,
                 name_en: str | None, started_on: date | None = None) -> PublishedStarRating:
    """POST /star-ratings: freezes the draft as a new rating in notice (version 1). Its
    notice runs `notice_days` township days from today (or `started_on`, a notice the
    demo began earlier), that day being day 1; with none, it ended the day before and
    the rating can be finalized at once."""
    name, name_en = checked_names(name, name_en, NAME_COLUMNS)
    settings = township_settings(user.township_id)
    today = started_on or clock.township_today()
    rating = StarRating(township_id=user.township_id, name=name, name_en=name_en,
                        round_ids=sorted(r.id for r in rounds), state=NOTICE,
                        notice_started_on=today,
                        notice_ends_on=today + timedelta(days=settings["notice_days"] - 1),
                        created_by=user.id, created_at=utcnow())
    db.session.add(rating)
    db.session.flush()
    result = compute_rating(rounds)
    frozen = freeze_version(rating, {**result,
                                     "objection_contact": settings["objection_contact"]}, user)
    record_audit("start_star_notice", "star_rating", rating.id, user=user, detail={
        "version": frozen.version, "name": name,
        "notice_ends_on": rating.notice_ends_on.isoformat(),
        "rounds": {str(r["id"]): r["version"] for r in result["rounds"]}})
    return frozen


def rating_in_scope(rating_id: int, user: User, *, lock: bool = False) -> StarRating:
    """The rating if it is the user's township's (404 otherwise); `lock` holds its row
    so finalizing, deciding and revoking on one rating take turns."""
    query = db.select(StarRating).where(StarRating.id == rating_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    rating = db.session.execute(query).scalar_one_or_none() \
        if isinstance(rating_id, int) and 0 < rating_id <= MAX_ID else None
    if rating is None or rating.township_id != user.township_id:
        raise Problem("not_found", status=404, message="no such star rating")
    return rating


def objection_data(objection: Objection) -> dict:
    return {"id": objection.id, "rating_id": objection.rating_id,
            "household_id": objection.household_id, "text": objection.text,
            "received_on": objection.received_on.isoformat(),
            "recorded_by": objection.recorded_by,
            "recorded_at": objection.recorded_at.isoformat(),
            "decision": objection.decision, "stars": objection.stars,
            "reason": objection.reason, "decided_by": objection.decided_by,
            "decided_at": objection.decided_at.isoformat() if objection.decided_at else None}


def rating_objections(rating_id: int) -> list[Objection]:
    """The rating's objections in the order they were recorded."""
    return db.session.execute(db.select(Objection).where(Objection.rating_id == rating_id)
                              .order_by(Objection.id)).scalars().all()


def rating_version(rating: StarRating, version: int | None = None) -> dict | None:
    """A frozen version (the latest unless `version` is given) with the rating's
    current state beside it: `rating` in it is the state it froze."""
    found = snapshot(STAR_RATINGS, rating.id, version)
    if found is None:
        return None
    return {**found.result, **rating_header(rating), "version": found.version,
            "published": published_info(found)}


def rating_detail(rating: StarRating, version: int | None = None) -> dict | None:
    """GET /star-ratings/<id>: a version and every objection to the rating."""
    found = rating_version(rating, version)
    if found is None:
        return None
    return {**found, "objections": [objection_data(o) for o in rating_objections(rating.id)]}


def township_ratings(township_id: int) -> list[dict]:
    """GET /star-ratings: the township's ratings, newest first, without households."""
    ratings = db.session.execute(db.select(StarRating).where(
        StarRating.township_id == township_id).order_by(StarRating.id.desc())).scalars().all()
    latest = latest_snapshots(STAR_RATINGS, [r.id for r in ratings]) if ratings else {}
    return [{**rating_header(r), "version": latest[r.id].version if r.id in latest else None, "round_ids": r.round_ids,
             "created_by": r.created_by, "created_at": r.created_at.isoformat()}
            for r in ratings]


# What a phone pulls of a household's row (contract, pull type `star_rating`).
PULLED_KEYS = ("household_id", "stars", "score", "rounds", "partial", "revoked")


def pulled_ratings(ratings: list[StarRating]) -> list[dict]:
    """Pull type `star_rating`: each rating as its latest version, in two queries
    however many ratings a page holds."""
    latest = latest_snapshots(STAR_RATINGS, [r.id for r in ratings]) if ratings else {}
    return [{"id": r.id, "name": r.name, "name_en": r.name_en, "state": r.state,
             "version": latest[r.id].version,
             "notice_ends_on": r.notice_ends_on.isoformat(),
             "objection_contact": latest[r.id].result.get("objection_contact", ""),
             "households": [{k: h.get(k) for k in PULLED_KEYS}
                            for h in latest[r.id].result["households"]]}
            for r in ratings]
