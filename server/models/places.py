"""Township → village → villager group, the ranked unit."""
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Township(db.Model):
    __tablename__ = "townships"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[Optional[str]] = mapped_column(sa.String(100))
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The decimals its scores are shown and ranked with (1 or 2): server/admin/township.py.
    display_precision: Mapped[int] = mapped_column(sa.SmallInteger, default=1,
                                                   server_default="1")
    # Star ratings and points (server/admin/township.py): a JSON setting left null reads
    # as domain.md's default (sync/households.py).
    notice_days: Mapped[int] = mapped_column(sa.SmallInteger, default=3, server_default="3")
    objection_contact: Mapped[str] = mapped_column(sa.String(200), default="",
                                                   server_default="")
    star_thresholds: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    points_table: Mapped[Optional[list]] = mapped_column(sa.JSON)
    veto_points: Mapped[int] = mapped_column(default=-10, server_default="-10")
    star_points: Mapped[Optional[dict]] = mapped_column(sa.JSON)

    villages: Mapped[list["Village"]] = relationship(
        back_populates="township", order_by="Village.id")


class Village(db.Model):
    __tablename__ = "villages"
    __table_args__ = (sa.UniqueConstraint("township_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[Optional[str]] = mapped_column(sa.String(100))

    township: Mapped[Township] = relationship(back_populates="villages")
    groups: Mapped[list["VillagerGroup"]] = relationship(
        back_populates="village", order_by="VillagerGroup.id")


class VillagerGroup(db.Model):
    __tablename__ = "villager_groups"
    __table_args__ = (sa.UniqueConstraint("village_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[Optional[str]] = mapped_column(sa.String(100))
    # Reference point: photos taken far from it are flagged.
    lat: Mapped[Optional[float]]
    lon: Mapped[Optional[float]]

    village: Mapped[Village] = relationship(back_populates="groups")

    @property
    def township_id(self) -> int:
        return self.village.township_id
