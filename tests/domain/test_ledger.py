"""The ledger (server/models/points.py, server/points/ledger.py) on SQLite and PostgreSQL:
a balance is the sum of the entries, entries are never updated or deleted (the ORM and
the database both refuse), every township has the default points rules, and a
supervisor's corrections and voids."""
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from sync.ledger import DEFAULT_POINTS_RULES

from server.errors import Problem
from server.extensions import db
from server.models import AuditEntry, LedgerEntry, PointsRule, Township, User
from server.points.ledger import balance_of, balances_of, household_ledger, record_adjust

from tests.support.admin import changes
from tests.support.ledger import add_households


def entry(household_id: int, points: int, kind: str = "deed", **columns) -> LedgerEntry:
    township_id = db.session.execute(db.select(Township.id).order_by(Township.id)).scalar()
    user_id = db.session.execute(db.select(User.id).where(User.username == "inspector1")).scalar()
    now = datetime.now(timezone.utc)
    row = LedgerEntry(id=str(uuid.uuid4()), household_id=household_id, township_id=township_id,
                      kind=kind, points=points, recorded_by=user_id, recorded_at=now,
                      received_at=now, flags=[], **columns)
    db.session.add(row)
    db.session.flush()
    return row


def user(username: str) -> User:
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one()


def rules_of(township_id: int) -> dict:
    return {r.key: (r.label_zh, r.label_en, r.points, r.active) for r in db.session.execute(
        db.select(PointsRule).where(PointsRule.township_id == township_id)).scalars()}


DEFAULTS = {r["key"]: (r["label_zh"], r["label_en"], r["points"], True)
            for r in DEFAULT_POINTS_RULES}


def test_every_township_starts_with_the_default_points_rules():
    seeded = db.session.execute(db.select(Township.id)).scalar_one()
    assert rules_of(seeded) == DEFAULTS
    assert DEFAULTS["burning_found"][2] == -10 and DEFAULTS["cleanup_day"][2] == 5
    new = Township(name="新乡", name_en="New")
    db.session.add(new)
    db.session.commit()
    assert rules_of(new.id) == DEFAULTS


def test_a_balance_is_the_sum_of_the_entries(app):
    first, second, empty = add_households(app, 3)
    for points in (5, 3, -10, 2):
        entry(first, points)
    entry(second, -4, kind="redeem")
    db.session.commit()
    total = db.session.execute(sa.text(
        "SELECT SUM(points) FROM ledger_entries WHERE household_id = :h"), {"h": first}).scalar()
    assert balance_of(first) == total == 0
    assert balance_of(second) == -4 and balance_of(empty) == 0
    assert balances_of([first, second, empty]) == {first: 0, second: -4, empty: 0}


def test_an_entry_is_never_updated_or_deleted(app):
    [household] = add_households(app, 1)
    stored = entry(household, 5)
    db.session.commit()
    stored.points = 50  # through the ORM
    with pytest.raises(ValueError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(LedgerEntry, stored.id))
    with pytest.raises(ValueError):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE ledger_entries SET points = 50",  # by hand: the database
                      "DELETE FROM ledger_entries"):
        with pytest.raises(DBAPIError):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert balance_of(household) == 5


def test_a_supervisor_corrects_and_voids_with_reasons_audited(app):
    [household] = add_households(app, 1)
    deed = entry(household, 5)
    db.session.commit()
    boss = user("supervisor1")
    correction = record_adjust(boss, household, -2, "  记错了  ")
    void = record_adjust(boss, household, -5, "不属实", voids=deed.id)
    db.session.commit()
    assert (correction.kind, correction.points, correction.note, correction.voids) == (
        "adjust", -2, "记错了", None)
    assert (void.voids, void.recorded_by, void.flags) == (deed.id, boss.id, [])
    assert balance_of(household) == -2
    ledger = household_ledger(household, boss)
    assert ledger["balance"] == -2 and len(ledger["entries"]) == 3
    assert [(a.action, a.entity_id, a.reason) for a in db.session.execute(
        db.select(AuditEntry).order_by(AuditEntry.id)).scalars()] == [
        ("adjust_points", correction.id, "记错了"), ("void_entry", void.id, "不属实")]
    # the voided entry's recorder pulls its void; every phone the household again
    owners = {c.entity_id: c.owner_id for c in changes("ledger_entry")}
    assert owners[void.id] == deed.recorded_by
    assert [c.entity_id for c in changes("household")] == [str(household)]


@pytest.mark.parametrize("points, reason, voids, code", [
    (0, "理由", None, "zero_points"),
    (3, "  ", None, "adjust_reason_required"),
    (-4, "理由", "deed", "void_points"),
    (-5, "理由", "other", "void_other_household"),
    (-5, "理由", "missing", "not_found"),
])
def test_a_bad_correction_is_refused(app, points, reason, voids, code):
    household, other = add_households(app, 2)
    named = {"deed": entry(household, 5).id, "other": entry(other, 5).id,
             "missing": str(uuid.uuid4()), None: None}
    db.session.commit()
    with pytest.raises(Problem) as refused:
        record_adjust(user("supervisor1"), household, points, reason, voids=named[voids])
    assert refused.value.code == code


def test_an_entry_is_voided_once(app):
    [household] = add_households(app, 1)
    deed = entry(household, 5)
    db.session.commit()
    record_adjust(user("supervisor1"), household, -5, "不属实", voids=deed.id)
    db.session.commit()
    with pytest.raises(Problem) as refused:
        record_adjust(user("admin"), household, -5, "再来一次", voids=deed.id)
    assert (refused.value.code, refused.value.status) == ("already_voided", 409)
