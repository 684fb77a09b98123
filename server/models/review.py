"""Supervisor comments (immutable), the audit log, the change log and rankings."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Comment(db.Model):
    """Comments are never edited or deleted: there is no code path that does."""
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[str] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped["User"] = relationship()  # noqa: F821


class AuditEntry(db.Model):
    """Who did what, when and why."""
    __tablename__ = "audit_log"
    # What was done to one record (a re-submission, the latest review): one probe, not a
    # scan of years of entries.
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    entity_type: Mapped[str] = mapped_column(sa.String(20))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    detail: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[Optional["User"]] = relationship()  # noqa: F821


class Change(db.Model):
    """The latest change of each synced entity, ordered by a monotonic sequence.

    Only the latest row per entity is kept: a pull that has not reached the old row
    will reach the new one, and the data sent is always the entity's current state.
    """
    __tablename__ = "changes"
    __table_args__ = (
        sa.UniqueConstraint("entity_type", "entity_id"),
        # what a cached ranking rests on: the township's latest change of some types,
        # one probe per type however many entities years of use leave (changes.latest_seq)
        sa.Index("ix_changes_township_type_seq", "township_id", "entity_type", "seq"),
    )
    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    entity_type: Mapped[str] = mapped_column(sa.String(20))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    op: Mapped[str] = mapped_column(sa.String(6))  # put | delete
    township_id: Mapped[int] = mapped_column(index=True)
    # Set for data only one inspector may see (their inspections, comments, ...).
    owner_id: Mapped[Optional[int]] = mapped_column(index=True)


class SyncCounter(db.Model):
    """One row; its update lock orders change sequences in commit order."""
    __tablename__ = "sync_counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class RankingCache(db.Model):
    """The live ranking of a round, computed when the change log of its inputs had
    reached `inputs_seq` (review/rankings.py)."""
    __tablename__ = "ranking_cache"
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    inputs_seq: Mapped[int] = mapped_column(sa.BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result: Mapped[dict] = mapped_column(sa.JSON)


class SnapshotColumns:
    """What every published snapshot holds beside the column naming its owner (the
    owner's id and a unique (owner, version) are each kind's own): a version, who
    published it and when, and the frozen result (server/review/snapshots.py)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    result: Mapped[dict] = mapped_column(sa.JSON)


class PublishedRanking(SnapshotColumns, db.Model):
    """A frozen snapshot of a round's lists; republishing adds a version."""
    __tablename__ = "published_rankings"
    __table_args__ = (sa.UniqueConstraint("round_id", "version"),)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)


class PublishedHouseholdResults(SnapshotColumns, db.Model):
    """A frozen snapshot of a household round's results; republishing adds a version.
    Apart from the group rounds' lists, so no reader of lists ever meets a household."""
    __tablename__ = "published_household_results"
    __table_args__ = (sa.UniqueConstraint("round_id", "version"),)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)


class CombinedResult(db.Model):
    """A quarter's or a year's result: a chosen set of published rounds of one township
    (domain.md, "Combined results"). Publishing it again adds a snapshot version."""
    __tablename__ = "combined_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[Optional[str]] = mapped_column(sa.String(100))
    # The chosen rounds' ids, ascending.
    round_ids: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedCombined(SnapshotColumns, db.Model):
    """A frozen snapshot of a combined result's lists."""
    __tablename__ = "published_combined"
    __table_args__ = (sa.UniqueConstraint("combined_id", "version"),)
    combined_id: Mapped[int] = mapped_column(sa.ForeignKey("combined_results.id"), index=True)
