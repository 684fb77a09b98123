"""Households (户): the unit of household checks, points and stars, under a villager group."""
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from sync.households import NUMBER_SORT_SIZE, number_sort_key

from ..extensions import db
from .places import VillagerGroup


class Household(db.Model):
    __tablename__ = "households"
    __table_args__ = (
        # Also the index for finding a group's household by its number.
        sa.UniqueConstraint("group_id", "number", name="uq_households_group_number"),
        sa.CheckConstraint("members IS NULL OR members >= 0", name="ck_households_members"),
        # Every list of households: a group's (or a township's, group by group) in 户号 order.
        sa.Index("ix_households_group_number_sort", "group_id", "number_sort"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("villager_groups.id"))
    # The group's township, copied: a township holds thousands of households, and the
    # pull, the API and the pages select them by township without joining the places.
    # A group never changes township, so the copy never goes stale.
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(20))  # 户号, kept as typed ("07", "12-1")
    # 户号 as people count them ("2" before "10"): every list orders by this, never by
    # number. Set whenever number is (below); sync.households.number_sort_key. Its
    # server default only keeps a row written around the model (SQL by hand) valid: such
    # a row lists first in its group.
    number_sort: Mapped[str] = mapped_column(sa.String(NUMBER_SORT_SIZE), server_default="")
    head: Mapped[str] = mapped_column(sa.String(50))  # 户主: never shown with photos
    members: Mapped[Optional[int]]
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    group: Mapped[VillagerGroup] = relationship()

    @validates("number")
    def _keep_sort_key(self, _key, number: str) -> str:
        self.number_sort = number_sort_key(number)
        return number
