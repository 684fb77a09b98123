"""The first pull: a snapshot bounded to what a phone works with, however long the
township has used the product (contract, Pull: "A first pull stays small").

A pull without a cursor starts a snapshot at the latest change sequence. Up to that
sequence the pages carry, of the types in FIRST_PULL_RULES, only what their rule keeps;
every other type whole. Past it (a change that commits while the phone pages, and every
later pull) every change in scope is carried, so nothing that changes is ever skipped.
Older history is read on demand (api/history.py).

The rules apply to every role alike: a supervisor's phone needs the current rounds and
the live rectifications as much as an inspector's, and reads older rounds on demand too.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from sync.states import CLOSED, ITEM_CLOSED, OPEN, PUBLISHED, RECEIVED

from ..extensions import db
from ..models import (Assignment, Change, Comment, DeviceToken, Inspection, LedgerEntry, Photo,
                      Recheck, Rectification, RectificationItem, Round, StarRating)
from ..models.stars import FINAL, NOTICE
from ..models.types import utcnow

# What "recent" history is: reviews a new device has not seen, rectifications closed.
HISTORY_DAYS = 90


@dataclass(frozen=True)
class Horizon:
    """What one device's first pull is bounded by."""
    township_id: int
    # The change sequence this device had pulled to before this first pull began (None:
    # it has received nothing): a review after it is one the device has not seen.
    received_seq: int | None
    since: datetime             # HISTORY_DAYS ago
    current_rounds: tuple[int, ...]


def snapshot_end() -> int:
    """Where a first pull's snapshot ends: the latest change every reader can see now
    (sequences become visible in order, server/changes.py)."""
    return db.session.execute(sa.select(sa.func.max(Change.seq))).scalar() or 0


def current_round_ids(township_id: int) -> tuple[int, ...]:
    """Rounds whose records a phone works with: open and closed ones, and the latest
    published round of each subject (the one whose results and lists are current)."""
    rounds = db.session.execute(db.select(Round).where(Round.township_id == township_id)
                                .order_by(Round.ends_on.desc(), Round.id.desc())).scalars()
    current, latest_published = [], set()
    for round_ in rounds:
        if round_.state in (OPEN, CLOSED):
            current.append(round_.id)
        elif round_.state == PUBLISHED and round_.subject not in latest_published:
            latest_published.add(round_.subject)
            current.append(round_.id)
    return tuple(current)


def horizon(township_id: int, device: DeviceToken | None) -> Horizon:
    return Horizon(township_id, device.pulled_seq if device is not None else None,
                   utcnow() - timedelta(days=HISTORY_DAYS), current_round_ids(township_id))


def _entity_ids(column, *where):
    """Change rows whose entity is among `column` of the rows matching `where`."""
    return Change.entity_id.in_(sa.select(sa.cast(column, sa.String)).where(*where))


def _kept_reviewed(h: Horizon, model, entity_type: str, reviewed_at, in_current):
    """Ids of `model` (inspections, rechecks) of the current rounds, or whose review
    result this device has not received: reviewed after its last pull, or for a device
    that has received nothing, reviewed in the last HISTORY_DAYS."""
    query = sa.select(model.id).where(model.township_id == h.township_id)
    reviewed = model.review_state != RECEIVED
    if h.received_seq is None:
        unseen = reviewed & (reviewed_at >= h.since)
    else:
        sent = aliased(Change)
        query = query.outerjoin(sent, (sent.entity_type == entity_type)
                                & (sent.entity_id == model.id))
        unseen = reviewed & (sent.seq > h.received_seq)
    return query.where(in_current | unseen)


def kept_inspections(h: Horizon):
    return _kept_reviewed(h, Inspection, "inspection", Inspection.updated_at,
                          Inspection.round_id.in_(h.current_rounds))


def kept_rectifications(h: Horizon):
    """Open or overdue (an item not closed off), or closed in the last HISTORY_DAYS (an
    item closed off since: the last one closed it)."""
    item = RectificationItem
    live = sa.exists().where(item.rectification_id == Rectification.id,
                             (item.state != ITEM_CLOSED) | (item.decided_at >= h.since))
    return sa.select(Rectification.id).where(Rectification.township_id == h.township_id, live)


def _inspection_rule(h):
    return Change.entity_id.in_(kept_inspections(h))


def _comment_rule(h):
    return _entity_ids(Comment.id, Comment.inspection_id.in_(kept_inspections(h)))


def _photo_review_rule(h):
    return _entity_ids(Photo.id, Photo.inspection_id.in_(kept_inspections(h)))


def _recheck_rule(h):
    # A recheck belongs to a rectification, made when its round was published: it is
    # current while its rectification is carried or its round is current.
    of_current = Recheck.rectification_id.in_(
        sa.select(Rectification.id).where(Rectification.round_id.in_(h.current_rounds)))
    in_current = Recheck.rectification_id.in_(kept_rectifications(h)) | of_current
    return Change.entity_id.in_(
        _kept_reviewed(h, Recheck, "recheck", Recheck.reviewed_at, in_current))


def _assignment_rule(h):
    return _entity_ids(Assignment.id, Assignment.round_id.in_(
        sa.select(Round.id).where(Round.township_id == h.township_id,
                                  Round.state != PUBLISHED)))


def _rectification_rule(h):
    return _entity_ids(Rectification.id, Rectification.id.in_(kept_rectifications(h)))


def _ledger_entry_rule(h):
    # Points entries recorded in the last HISTORY_DAYS (pull's scope keeps an
    # inspector's own and the voids of them); older ones are in the household's ledger.
    return _entity_ids(LedgerEntry.id, LedgerEntry.township_id == h.township_id,
                       LedgerEntry.recorded_at >= h.since)


def _star_rating_rule(h):
    # Ratings in notice, final ones made in the last HISTORY_DAYS, and the township's
    # newest final one (the plaques hanging now); older ones are on the pages.
    newest_final = sa.select(sa.func.max(StarRating.id)).where(
        StarRating.township_id == h.township_id, StarRating.state == FINAL).scalar_subquery()
    return _entity_ids(StarRating.id, StarRating.township_id == h.township_id,
                       (StarRating.state == NOTICE) | (StarRating.created_at >= h.since)
                       | (StarRating.id == newest_final))


# What a first pull's snapshot carries of each type (the types not named: all of their
# scope). A type with history that grows every month gets its row here.
FIRST_PULL_RULES = {
    "inspection": _inspection_rule,
    "comment": _comment_rule,
    "photo_review": _photo_review_rule,
    "recheck": _recheck_rule,
    "assignment": _assignment_rule,
    "rectification": _rectification_rule,
    "ledger_entry": _ledger_entry_rule,
    "star_rating": _star_rating_rule,
}


def carried(h: Horizon, snapshot_seq: int):
    """The condition on a change row for a page of a first pull whose snapshot ends at
    `snapshot_seq`: past it everything, up to it what the rules keep."""
    bounded = [(Change.entity_type == t) & rule(h) for t, rule in FIRST_PULL_RULES.items()]
    return sa.or_(Change.seq > snapshot_seq,
                  Change.entity_type.not_in(tuple(FIRST_PULL_RULES)), *bounded)
