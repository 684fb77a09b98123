"""A star rating after its notice began (domain.md "Star ratings" 3; contract "Details"):
objections (异议) recorded and decided, finalizing once the notice is over, and revoking
(摘牌) a household's stars in a final rating.

Every step that changes a rating takes its row lock first (stars.rating_in_scope), so two
supervisors finalizing at once take turns: the second finds it final (409) and the
optional `star` points are written once. Finalizing and each revocation freeze a new
version; a revoked household keeps its row, marked with who revoked it, when and why.
Every write is audited; the caller commits.
"""
from __future__ import annotations

import uuid
from datetime import date

from sync import clock
from sync.ledger import STAR
from sync.stars import MAX_STARS

from ..admin.township import township_settings
from ..audit import record_audit
from ..errors import TEXT_CONTROL_CHARACTERS, Problem
from ..extensions import db
from ..models import Household, LedgerEntry, Objection, StarRating, User, utcnow
from ..models.stars import DECISIONS, FINAL, NOTICE, UPHELD
from ..review.snapshots import STAR_RATINGS, snapshot
from .ledger import announce_entry, household_in_township, lock_households, record_adjust
from .stars import freeze_version, rating_in_scope, rating_objections

TEXT_SIZE = 500


def _text(value, field: str) -> str:
    """1..TEXT_SIZE characters; line breaks allowed, other control characters not (a
    NUL is refused by PostgreSQL)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise Problem("required", field=field)
    if len(text) > TEXT_SIZE:
        raise Problem("too_long", {"max": TEXT_SIZE}, field=field)
    if not TEXT_CONTROL_CHARACTERS.isdisjoint(text):
        raise Problem("control_character", field=field)
    return text


def _latest(rating: StarRating) -> dict:
    return snapshot(STAR_RATINGS, rating.id).result


def _listed(rating: StarRating, household_id, user: User) -> tuple[Household, dict]:
    """The household (404 if not the township's) and its row in the rating's latest
    version (400 if the rating does not list it)."""
    household = household_in_township(household_id, user)
    row = next((h for h in _latest(rating)["households"]
                if h["household_id"] == household.id), None)
    if row is None:
        raise Problem("not_in_rating", field="household_id")
    return household, row


def _received_on(value) -> date:
    if value is None:
        return clock.township_today()
    try:
        received = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        received = None
    if received is None or received > clock.township_today():
        raise Problem("date", field="received_on")
    return received


def record_objection(rating_id: int, user: User, household_id, text,
                     received_on=None) -> Objection:
    """POST /star-ratings/<id>/objections: an objection to a listed household's stars,
    recorded until the rating is final; received today (township time) unless given."""
    rating = rating_in_scope(rating_id, user, lock=True)
    if rating.state == FINAL:
        raise Problem("already_final", status=409)
    household, _row = _listed(rating, household_id, user)
    objection = Objection(rating_id=rating.id, household_id=household.id,
                          text=_text(text, "text"), received_on=_received_on(received_on),
                          recorded_by=user.id, recorded_at=utcnow())
    db.session.add(objection)
    db.session.flush()
    record_audit("record_objection", "star_objection", objection.id, user=user, detail={
        "rating_id": rating.id, "household_id": household.id,
        "received_on": objection.received_on.isoformat()})
    return objection


def objection_in_scope(objection_id: int, user: User) -> tuple[Objection, StarRating]:
    """The objection and its rating (locked), if the rating is the user's township's."""
    objection = db.session.get(Objection, objection_id) \
        if isinstance(objection_id, int) and 0 < objection_id < 2**63 else None
    rating = db.session.get(StarRating, objection.rating_id) if objection else None
    if rating is None or rating.township_id != user.township_id:
        raise Problem("not_found", status=404, message="no such objection")
    rating_in_scope(rating.id, user, lock=True)
    db.session.refresh(objection)     # as it is under the lock
    return objection, rating


def decide_objection(objection_id: int, user: User, decision, stars, reason) -> Objection:
    """POST /objections/<id>/decide: upheld with a new star level, or dismissed; a
    reason always. A decision is final (409 already_decided)."""
    objection, _rating = objection_in_scope(objection_id, user)
    if objection.decision is not None:
        raise Problem("already_decided", status=409)
    if decision not in DECISIONS:
        raise Problem("choice", field="decision")
    if decision == UPHELD:
        if not (isinstance(stars, int) and not isinstance(stars, bool)
                and 0 <= stars <= MAX_STARS):
            raise Problem("star_level", {"max": MAX_STARS}, field="stars")
    elif stars is not None:
        raise Problem("stars_only_when_upheld", field="stars")
    objection.decision, objection.stars = decision, stars if decision == UPHELD else None
    objection.reason = _text(reason, "reason")
    objection.decided_by, objection.decided_at = user.id, utcnow()
    record_audit("decide_objection", "star_objection", objection.id, reason=objection.reason,
                 user=user, detail={"decision": decision, "stars": objection.stars,
                                    "household_id": objection.household_id})
    return objection


def _star_entries(rating: StarRating, households: list[dict], user: User) -> None:
    """The township's optional points per star level, one `star` entry per household
    given any, each named in its row so a revocation can take it back."""
    points = township_settings(rating.township_id)["star_points"]
    given = [h for h in households if not h["revoked"] and points.get(str(h["stars"]), 0)]
    lock_households(h["household_id"] for h in given)
    now = utcnow()
    entries = [LedgerEntry(id=str(uuid.uuid4()), household_id=h["household_id"],
                           township_id=rating.township_id, kind=STAR,
                           points=points[str(h["stars"])], note=rating.name,
                           recorded_by=user.id, recorded_at=now, received_at=now, flags=[])
               for h in given]
    db.session.add_all(entries)
    db.session.flush()      # one flush for a township's thousands
    for h, entry in zip(given, entries):
        h["star_entry"] = {"id": entry.id, "points": entry.points}
        announce_entry(entry, user.id)
        record_audit("credit_star_points", "ledger_entry", entry.id, user=user, detail={
            "household_id": entry.household_id, "rating_id": rating.id,
            "stars": h["stars"], "points": entry.points})


def finalize_rating(rating_id: int, user: User) -> StarRating:
    """POST /star-ratings/<id>/finalize: once the township's date is after the notice's
    last day and every objection is decided, a final version with the upheld changes."""
    rating = rating_in_scope(rating_id, user, lock=True)
    if rating.state == FINAL:
        raise Problem("already_final", status=409)
    if clock.township_today() <= rating.notice_ends_on:
        raise Problem("notice_not_over", {"date": rating.notice_ends_on.isoformat()},
                      status=409)
    objections = rating_objections(rating.id)
    if any(o.decision is None for o in objections):
        raise Problem("objections_open", status=409)
    result = _latest(rating)
    households = [dict(h) for h in result["households"]]
    by_id = {h["household_id"]: h for h in households}
    for objection in objections:        # in the order recorded: the last upheld wins
        if objection.decision == UPHELD and objection.household_id in by_id:
            row = by_id[objection.household_id]
            row["rated_stars"] = row.get("rated_stars", row["stars"])
            row["stars"], row["objection_id"] = objection.stars, objection.id
    rating.state = FINAL
    _star_entries(rating, households, user)
    frozen = freeze_version(rating, {**result, "households": households}, user)
    record_audit("finalize_star_rating", "star_rating", rating.id, user=user, detail={
        "version": frozen.version,
        "upheld": [o.id for o in objections if o.decision == UPHELD]})
    return rating


def revoke_stars(rating_id: int, user: User, household_id, reason) -> StarRating:
    """POST /star-ratings/<id>/revoke: takes a household's stars back (摘牌) in a final
    rating, as a new version; its star points, if any were written, are voided."""
    rating = rating_in_scope(rating_id, user, lock=True)
    if rating.state == NOTICE:
        raise Problem("rating_in_notice", status=409)
    household, row = _listed(rating, household_id, user)
    if row.get("revoked"):
        raise Problem("already_revoked", status=409, field="household_id")
    reason = _text(reason, "reason")
    result = _latest(rating)
    households = [dict(h) for h in result["households"]]
    revoked = next(h for h in households if h["household_id"] == household.id)
    revoked.update(revoked=True, revoked_reason=reason, revoked_by=user.id,
                   revoked_at=utcnow().isoformat())
    if revoked.get("star_entry"):
        void = record_adjust(user, household.id, -revoked["star_entry"]["points"], reason,
                             voids=revoked["star_entry"]["id"])
        revoked["revoke_entry"] = void.id
    frozen = freeze_version(rating, {**result, "households": households}, user)
    record_audit("revoke_stars", "star_rating", rating.id, reason=reason, user=user, detail={
        "version": frozen.version, "household_id": household.id, "stars": revoked["stars"]})
    return rating
