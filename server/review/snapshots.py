"""Published snapshots: where every published result is born and read back.

Publishing freezes a computed result as the next version of what it belongs to (a
round's Red and Black Lists, a household round's results, a combined result, a star
rating), saying who published it and when. A republication adds a version and
never changes an older one, so a poster or a combined result that named a version
reads it as it was.

A kind of snapshot is data: its table and the column naming its owner. The table has
the same columns for every kind (owner, version, published_at, published_by, result).
The caller locks what makes the next version unique before freezing (the round's row,
the township's for a combined result, the rating's for a star rating) and commits. The
models share their columns through models.review.SnapshotColumns.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import defer

from ..extensions import db
from ..models import (PublishedCombined, PublishedHouseholdResults, PublishedRanking,
                      PublishedStarRating, User, utcnow)


@dataclass(frozen=True)
class SnapshotKind:
    table: type     # the model holding this kind's versions
    owner: str      # its column naming what was published

    @property
    def owner_column(self):
        return getattr(self.table, self.owner)


ROUND_LISTS = SnapshotKind(PublishedRanking, "round_id")
COMBINED = SnapshotKind(PublishedCombined, "combined_id")
# A household round's results (household_results.py): each household's score and points.
HOUSEHOLD_RESULTS = SnapshotKind(PublishedHouseholdResults, "round_id")
# A star rating's versions (points/stars.py): in notice, final, then each revocation.
STAR_RATINGS = SnapshotKind(PublishedStarRating, "rating_id")


def _of(kind: SnapshotKind, owner_id: int):
    return db.select(kind.table).where(kind.owner_column == owner_id)


def snapshot(kind: SnapshotKind, owner_id: int, version: int | None = None):
    """The owner's snapshot of this version, or its latest when `version` is None."""
    query = _of(kind, owner_id)
    if version is not None:
        query = query.where(kind.table.version == version)
    return db.session.execute(
        query.order_by(kind.table.version.desc()).limit(1)).scalar_one_or_none()


def versions(kind: SnapshotKind, owner_id: int, *, results: bool = True) -> list:
    """Every snapshot of the owner, oldest first; without their results (read only if
    asked for) when a page lists which versions there are."""
    query = _of(kind, owner_id).order_by(kind.table.version)
    if not results:
        query = query.options(defer(kind.table.result))
    return db.session.execute(query).scalars().all()


def latest_snapshots(kind: SnapshotKind, owner_ids) -> dict:
    """{owner id: its latest snapshot}, in one query however many owners (a year is
    twelve rounds; a pull page many ratings)."""
    table, owner = kind.table, kind.owner_column
    newest = db.select(owner.label("owner"), sa.func.max(table.version).label("version")).where(
        owner.in_(list(owner_ids))).group_by(owner).subquery()
    return {getattr(s, kind.owner): s for s in db.session.execute(db.select(table).join(
        newest, sa.and_(owner == newest.c.owner, table.version == newest.c.version))).scalars()}


def published_owners(kind: SnapshotKind):
    """The ids of owners published at least once, as a subquery."""
    return db.select(kind.owner_column)


def latest_info(kind: SnapshotKind, owner_id: int) -> dict | None:
    """published_info of the owner's latest snapshot, its result left unread (a
    round's lists are tens of kilobytes of JSON; a live page names only the version)."""
    return published_info(db.session.execute(
        _of(kind, owner_id).options(defer(kind.table.result))
        .order_by(kind.table.version.desc()).limit(1)).scalar_one_or_none())


def published_info(found) -> dict | None:
    """Which version, when and by whom: what a result says of its publication."""
    if found is None:
        return None
    return {"version": found.version, "published_at": found.published_at.isoformat(),
            "published_by": found.published_by}


def freeze(kind: SnapshotKind, owner_id: int, result: dict, user: User):
    """Adds `result` as the owner's next version, published now by `user`; the stored
    result says so under "published". The caller holds the owner's lock and commits."""
    last = db.session.execute(
        db.select(sa.func.max(kind.table.version)).where(kind.owner_column == owner_id)
    ).scalar() or 0
    frozen = kind.table(**{kind.owner: owner_id}, version=last + 1, published_at=utcnow(),
                        published_by=user.id)
    frozen.result = {**result, "published": published_info(frozen)}
    db.session.add(frozen)
    return frozen
