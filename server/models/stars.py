"""Star ratings (星级评定, domain.md "Star ratings"): a rating of a township's households
from a chosen set of published household rounds, its frozen versions and the objections
(异议) recorded during its public notice (公示).

A rating is born frozen, in notice (the live draft is computed, never stored); finalizing
and each revocation (摘牌) add a version, and an older version never changes. Who revoked
a household's stars, when and why lives in the versions (server/points/stars.py)."""
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .review import SnapshotColumns
from .types import UTCDateTime, one_of, utcnow

NOTICE, FINAL = "notice", "final"
RATING_STATES = (NOTICE, FINAL)
UPHELD, DISMISSED = "upheld", "dismissed"
DECISIONS = (UPHELD, DISMISSED)


class StarRating(db.Model):
    __tablename__ = "star_ratings"
    __table_args__ = (one_of("state", RATING_STATES, name="star_rating_state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[Optional[str]] = mapped_column(sa.String(100))
    # The chosen household rounds' ids, ascending.
    round_ids: Mapped[list] = mapped_column(sa.JSON)
    state: Mapped[str] = mapped_column(sa.String(8))
    # Township dates: the notice's first and last day (the same day, or the day before
    # it began when the township gives no notice).
    notice_started_on: Mapped[date] = mapped_column(sa.Date)
    notice_ends_on: Mapped[date] = mapped_column(sa.Date)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedStarRating(SnapshotColumns, db.Model):
    """A frozen version of a rating: its households' stars as noticed, finalized or
    revoked."""
    __tablename__ = "published_star_ratings"
    __table_args__ = (sa.UniqueConstraint("rating_id", "version"),)
    rating_id: Mapped[int] = mapped_column(sa.ForeignKey("star_ratings.id"), index=True)


class Objection(db.Model):
    """An objection to a household's stars, recorded by a supervisor; decided once."""
    __tablename__ = "star_objections"
    __table_args__ = (
        one_of("decision", DECISIONS, name="star_objection_decision"),
        sa.CheckConstraint("stars IS NULL OR (stars >= 0 AND stars <= 5)",
                           name="ck_star_objections_stars"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(sa.ForeignKey("star_ratings.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    text: Mapped[str] = mapped_column(sa.String(500))
    received_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[Optional[str]] = mapped_column(sa.String(10))
    stars: Mapped[Optional[int]] = mapped_column(sa.SmallInteger)   # upheld: the new level
    reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    decided_by: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
