"""Rubric versions: criteria with their deduction items (domain.md, "Default rubric").

A version is a draft its township's admins edit until it is activated; from then on
phones get it and it never changes. A version without a township (the seeded default)
is shared by every township.
"""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sync.rubric import KEY_MAX, KINDS, LABEL_MAX
from sync.states import GROUP_SUBJECT, SUBJECTS

from ..extensions import db
from .types import UTCDateTime, one_of

DRAFT, ACTIVE = "draft", "active"
RUBRIC_STATES = (DRAFT, ACTIVE)


class RubricVersion(db.Model):
    __tablename__ = "rubric_versions"
    __table_args__ = (one_of("state", RUBRIC_STATES, name="rubric_state"),
                      one_of("subject", SUBJECTS, name="rubric_subject"))
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[Optional[str]] = mapped_column(sa.String(200))
    # None: shared by every township (the seeded default).
    township_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("townships.id"),
                                                        index=True)
    state: Mapped[str] = mapped_column(sa.String(8), default=ACTIVE,
                                       server_default=ACTIVE)
    # What it scores: villager groups, or households (a household round's rubric).
    subject: Mapped[str] = mapped_column(sa.String(10), default=GROUP_SUBJECT,
                                         server_default=GROUP_SUBJECT)
    created_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime(timezone=True))
    created_by: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    activated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime(timezone=True))
    activated_by: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="rubric", order_by="Criterion.position",
        cascade="all, delete-orphan")

    def to_dict(self) -> dict:
        """The plain rubric dict that sync/ computes with and pull sends."""
        return {
            "version": self.version,
            "subject": self.subject or GROUP_SUBJECT,
            "criteria": [c.to_dict() for c in self.criteria],
        }


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (sa.UniqueConstraint("rubric_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_versions.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(KEY_MAX))
    max_points: Mapped[float]
    label_zh: Mapped[str] = mapped_column(sa.String(LABEL_MAX))
    label_en: Mapped[str] = mapped_column(sa.String(LABEL_MAX))

    rubric: Mapped[RubricVersion] = relationship(back_populates="criteria")
    items: Mapped[list["DeductionItem"]] = relationship(
        back_populates="criterion", order_by="DeductionItem.position",
        cascade="all, delete-orphan")

    def to_dict(self) -> dict:
        return {
            "key": self.key, "max": self.max_points,
            "label_zh": self.label_zh, "label_en": self.label_en,
            "items": [i.to_dict() for i in self.items],
        }


class DeductionItem(db.Model):
    __tablename__ = "deduction_items"
    __table_args__ = (
        sa.UniqueConstraint("criterion_id", "key"),
        one_of("kind", KINDS, name="item_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(KEY_MAX))
    points: Mapped[float]
    kind: Mapped[str] = mapped_column(sa.String(8))
    label_zh: Mapped[str] = mapped_column(sa.String(LABEL_MAX))
    label_en: Mapped[str] = mapped_column(sa.String(LABEL_MAX))
    photo_required: Mapped[bool] = mapped_column(default=True)

    criterion: Mapped[Criterion] = relationship(back_populates="items")

    def to_dict(self) -> dict:
        return {
            "key": self.key, "points": self.points, "kind": self.kind,
            "label_zh": self.label_zh, "label_en": self.label_en,
            "photo_required": self.photo_required,
        }


def rubric_from_dict(data: dict) -> RubricVersion:
    """A new RubricVersion from the plain dict form (the inverse of to_dict)."""
    rubric = RubricVersion(version=data["version"], title=data.get("title"),
                           subject=data.get("subject", GROUP_SUBJECT))
    rubric.criteria.extend(criteria_from_dict(data))
    return rubric


def criteria_from_dict(data: dict) -> list[Criterion]:
    """The criteria, with their items, of the plain dict form, in its order."""
    criteria = []
    for c_pos, c in enumerate(data["criteria"]):
        criterion = Criterion(position=c_pos, key=c["key"], max_points=c["max"],
                              label_zh=c["label_zh"], label_en=c["label_en"])
        for i_pos, i in enumerate(c["items"]):
            criterion.items.append(DeductionItem(
                position=i_pos, key=i["key"], points=i["points"], kind=i["kind"],
                label_zh=i["label_zh"], label_en=i["label_en"],
                photo_required=i.get("photo_required", True)))
        criteria.append(criterion)
    return criteria
