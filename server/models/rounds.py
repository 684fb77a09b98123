"""Rounds, teams and assignments."""
from datetime import date
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sync.states import GROUP_SUBJECT, OPEN, ROUND_STATES, SUBJECTS

from ..extensions import db
from .types import one_of


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (
        one_of("state", ROUND_STATES, name="round_state"),
        one_of("subject", SUBJECTS, name="round_subject"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[Optional[str]] = mapped_column(sa.String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_versions.id"))
    # None means the default rule of domain.md.
    red_size: Mapped[Optional[int]]
    black_size: Mapped[Optional[int]]
    # Days from publishing to the rectifications' deadline; None = the default (15).
    rectification_days: Mapped[Optional[int]]
    state: Mapped[str] = mapped_column(sa.String(10), default=OPEN)
    # Villager groups (the competition) or households; its rubric version has the same.
    subject: Mapped[str] = mapped_column(sa.String(10), default=GROUP_SUBJECT,
                                         server_default=GROUP_SUBJECT)

    rubric: Mapped["RubricVersion"] = relationship()  # noqa: F821
    township: Mapped["Township"] = relationship()  # noqa: F821


class Team(db.Model):
    """Inspectors who visit groups together in one round; a group assigned to the team is
    an assignment (with this team_id) for every member."""
    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("round_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))

    township: Mapped["Township"] = relationship()  # noqa: F821
    members: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary="team_members", order_by="User.id")


team_members = sa.Table(
    "team_members", db.metadata,
    sa.Column("team_id", sa.ForeignKey("teams.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)


class Assignment(db.Model):
    """One inspector is to visit one group in one round (possibly as part of a team)."""
    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("round_id", "group_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("villager_groups.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    team_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("teams.id"))
