"""Points (积分): a household's ledger of entries, the township's points rules (积分细则)
and its goods (积分超市). A balance is the sum of a household's entries, never a number
that is edited (server/points/ledger.py reads it with one SUM).

The ledger is append-only, enforced three times over: no code path updates or deletes
an entry (a correction is a new `adjust`); the ORM refuses to flush a change to a loaded
entry (`_refuse_edit` below); and the database itself refuses UPDATE and DELETE on the
table with a trigger (APPEND_ONLY, installed with the table and by migration 0017), so a
statement written by hand fails too.
"""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, object_session

from sync.ledger import DEFAULT_POINTS_RULES, ENTRY_KINDS

from ..extensions import db
from .places import Township
from .types import UTCDateTime, one_of, utcnow

# An entry flagged overdraft (flags is a short JSON list of codes). Literal SQL, written
# once for the partial index below and the queries that use it: PostgreSQL uses a
# partial index only when the query's condition is the index's own, pattern included.
OVERDRAFT_FLAGGED = sa.text("""CAST(flags AS TEXT) LIKE '%"overdraft"%'""")


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        one_of("kind", ENTRY_KINDS, name="ledger_entry_kind"),
        sa.CheckConstraint("points <> 0", name="ck_ledger_entries_points"),
        # A household's entries in time order, and its balance (SUM) from the index.
        sa.Index("ix_ledger_entries_household", "household_id", "recorded_at"),
        # The township's recent entries (a first pull's 90 days).
        sa.Index("ix_ledger_entries_township_recorded", "township_id", "recorded_at"),
        # The overdrafts page, newest first: the few flagged entries among years of them.
        sa.Index("ix_ledger_entries_overdraft", "township_id", "recorded_at", "id",
                 postgresql_where=OVERDRAFT_FLAGGED, sqlite_where=OVERDRAFT_FLAGGED),
        # An entry is voided at most once: the database says so too, under any race.
        sa.UniqueConstraint("voids", name="uq_ledger_entries_voids"),
    )
    # Made where the entry was recorded (the phone's UUID, or the server's for adjusts).
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    # The household's township, copied (as households copy their group's): the pull and
    # the pages select a township's entries without joining households.
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"))
    kind: Mapped[str] = mapped_column(sa.String(8))
    points: Mapped[int]
    rule_key: Mapped[Optional[str]] = mapped_column(sa.String(40))
    goods: Mapped[Optional[list]] = mapped_column(sa.JSON)   # [{goods_id, name, quantity, points}]
    note: Mapped[Optional[str]] = mapped_column(sa.Text)
    # The photos' records as pushed (criterion and item null); their bytes are blobs.
    photos: Mapped[Optional[list]] = mapped_column(sa.JSON)
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voids: Mapped[Optional[str]] = mapped_column(sa.ForeignKey("ledger_entries.id"))
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    round_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("rounds.id"))  # check entries


class PointsRule(db.Model):
    """A good or bad deed and its points (积分细则); deactivated, never deleted."""
    __tablename__ = "points_rules"
    __table_args__ = (sa.UniqueConstraint("township_id", "key", name="uq_points_rules_key"),
                      sa.CheckConstraint("points <> 0", name="ck_points_rules_points"))
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"))
    key: Mapped[str] = mapped_column(sa.String(40))
    label_zh: Mapped[str] = mapped_column(sa.String(100))
    label_en: Mapped[Optional[str]] = mapped_column(sa.String(100))
    points: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


class Goods(db.Model):
    """What the points supermarket (积分超市) hands over, at its points per unit."""
    __tablename__ = "goods"
    __table_args__ = (sa.CheckConstraint("points > 0", name="ck_goods_points"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[Optional[str]] = mapped_column(sa.String(100))
    points: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


# The database's own refusal to change an entry (PostgreSQL, SQLite).
APPEND_ONLY = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'ledger entries are append-only'; END $$",
        "CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE "
        "ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
        "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    ],
}


@event.listens_for(LedgerEntry.__table__, "after_create")
def _install_append_only(table, connection, **kw):
    for statement in APPEND_ONLY.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _refuse_edit(mapper, connection, target):
    raise ValueError("ledger entries are append-only: record an adjust instead")


@event.listens_for(Township, "after_insert")
def _default_points_rules(mapper, connection, township):
    """Every new township starts with the default points rules of domain.md, recorded
    for its phones to pull (type `points_rule`)."""
    from ..changes import record_change  # the change log imports the models

    session = object_session(township)
    for rule in DEFAULT_POINTS_RULES:
        rule_id = connection.execute(sa.insert(PointsRule.__table__).values(
            **rule, township_id=township.id, active=True)).inserted_primary_key[0]
        if session is not None:
            record_change(session, "points_rule", rule_id, township.id)
