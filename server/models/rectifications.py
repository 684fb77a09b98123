"""Rectifications of Black List groups, their items, and the rechecks of them
(domain.md, "Rectification and re-inspection"; contract, "rechecks in push")."""
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sync.merge import RECHECK
from sync.states import ITEM_OPEN, ITEM_STATES, RECEIVED, REVIEW_STATES

from ..extensions import db
from .inspections import PhotoFields, RevisionFields
from .types import UTCDateTime, one_of, utcnow


class Rectification(db.Model):
    """Made when a round is published with the group on its Black List. Its state
    (open, overdue, closed) is computed from the items and the township's date
    (sync/rectification.py), never stored."""
    __tablename__ = "rectifications"
    __table_args__ = (sa.UniqueConstraint("round_id", "group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"))
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("villager_groups.id"))
    deadline: Mapped[date]
    # The published version of the round's lists that put the group on the Black List.
    published_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped["Round"] = relationship()  # noqa: F821
    group: Mapped["VillagerGroup"] = relationship()  # noqa: F821
    items: Mapped[list["RectificationItem"]] = relationship(
        back_populates="rectification", order_by="RectificationItem.id")


class RectificationItem(db.Model):
    """One problem to fix: a deduction of the group's counted inspections, with the
    photos that showed it ("before")."""
    __tablename__ = "rectification_items"
    __table_args__ = (
        one_of("state", ITEM_STATES, name="rectification_item_state"),
        sa.UniqueConstraint("rectification_id", "criterion", "item"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(sa.ForeignKey("rectifications.id"))
    criterion: Mapped[str] = mapped_column(sa.String(40))
    item: Mapped[str] = mapped_column(sa.String(40))
    # Summed over the counted inspections the list rested on.
    count: Mapped[int]
    # The phone-made ids of the supporting photos (Photo.id).
    photo_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    state: Mapped[str] = mapped_column(sa.String(6), default=ITEM_OPEN)
    # The supervisor's last decision on it (closing it off, or sending it back).
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    rectification: Mapped[Rectification] = relationship(back_populates="items")


class Recheck(db.Model):
    """A re-inspection of a rectification, made on a phone like an inspection."""
    __tablename__ = "rechecks"
    __table_args__ = (one_of("review_state", REVIEW_STATES, name="recheck_review_state"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # made on the phone
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    rectification_id: Mapped[int] = mapped_column(sa.ForeignKey("rectifications.id"),
                                                  index=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    started_at: Mapped[Optional[str]] = mapped_column(sa.String(40))
    finished_at: Mapped[Optional[str]] = mapped_column(sa.String(40))
    gps: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    # {"<criterion>.<item>": {fixed, note}}
    items: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    note: Mapped[Optional[str]] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)
    # received, then approved (every item closed off) or has_issues (one sent back).
    review_state: Mapped[str] = mapped_column(sa.String(12), default=RECEIVED)
    # The supervisor's decisions {"<criterion>.<item>": "closed"|"open"}.
    item_states: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    review_comment: Mapped[Optional[str]] = mapped_column(sa.Text)
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    has_conflict: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rectification: Mapped[Rectification] = relationship()
    inspector: Mapped["User"] = relationship(foreign_keys=[inspector_id])  # noqa: F821
    photos: Mapped[list["RecheckPhoto"]] = relationship(
        back_populates="recheck", order_by="RecheckPhoto.position")
    revisions: Mapped[list["RecheckRevision"]] = relationship(
        back_populates="recheck", order_by="RecheckRevision.id")


class RecheckRevision(RevisionFields, db.Model):
    """Every revision of a recheck a device pushed, kept in full (as for inspections)."""
    __tablename__ = "recheck_revisions"
    __table_args__ = (sa.UniqueConstraint("recheck_id", "client_id", "client_rev"),)
    shape = RECHECK
    recheck_id: Mapped[str] = mapped_column(sa.ForeignKey("rechecks.id"))

    recheck: Mapped[Recheck] = relationship(back_populates="revisions")


class RecheckPhoto(PhotoFields, db.Model):
    """An "after" photo of a recheck; criterion and item name the rectification item."""
    __tablename__ = "recheck_photos"
    recheck_id: Mapped[str] = mapped_column(sa.ForeignKey("rechecks.id"), index=True)

    recheck: Mapped[Recheck] = relationship(back_populates="photos")
