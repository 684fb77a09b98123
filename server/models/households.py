"""Households (户): the unit of household checks, points and stars, under a villager group."""
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .places import VillagerGroup


class Household(db.Model):
    __tablename__ = "households"
    __table_args__ = (
        # Also the index for listing a group's households by number.
        sa.UniqueConstraint("group_id", "number", name="uq_households_group_number"),
        sa.CheckConstraint("members IS NULL OR members >= 0", name="ck_households_members"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("villager_groups.id"))
    # The group's township, copied: a township holds thousands of households, and the
    # pull, the API and the pages select them by township without joining the places.
    # A group never changes township, so the copy never goes stale.
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(20))  # 户号, kept as typed ("07", "12-1")
    head: Mapped[str] = mapped_column(sa.String(50))  # 户主: never shown with photos
    members: Mapped[Optional[int]]
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    group: Mapped[VillagerGroup] = relationship()
