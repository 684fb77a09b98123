"""Points from publishing a household round (domain.md "Points": `check`; contract
"Details": bands on shown_score, first credit `check`, later differences `adjust`, a band
of 0 credits nothing, recorded_by the publisher), on SQLite and PostgreSQL, and household
results banded with the township's own points table (server/admin/township.py). The round
of tests/support/household_rounds.py."""
from datetime import datetime, timezone

import pytest

from server.admin.township import change_settings
from server.extensions import db
from server.models import Inspection, LedgerEntry, Round, User
from server.points.ledger import balance_of, balances_of, record_adjust
from server.review.household_results import live_results
from server.review.publishing import publish
from tests.support.admin import audit_entries, changes
from tests.support.household_rounds import household_round
from tests.support.two_sessions import twice_at_once


def user(username: str) -> User:
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one()


def points_by_number(result) -> dict:
    return {(h["group_id"], h["number"]): h["points"] for h in result["households"]}


def test_results_are_banded_with_the_township_s_table_as_it_is_now():
    made = household_round()
    round_ = db.session.get(Round, made.round_id)
    a, b = made.group_a, made.group_b
    assert points_by_number(live_results(round_)) == {
        (a, "01"): 10, (a, "02"): -10, (a, "05"): 10, (b, "01"): 6}
    change_settings(user("admin"), {"points_table": [{"min_score": 93, "points": 7},
                                                     {"min_score": 50, "points": 2}],
                                    "veto_points": -20})
    db.session.commit()
    assert points_by_number(live_results(round_)) == {
        (a, "01"): 7, (a, "02"): -20, (a, "05"): 7, (b, "01"): 2}


def supervisor() -> User:
    return user("supervisor1")


def round_entries(round_id: int) -> list:
    return [(e.household_id, e.kind, e.points, e.recorded_by) for e in db.session.execute(
        db.select(LedgerEntry).where(LedgerEntry.round_id == round_id)
        .order_by(LedgerEntry.received_at, LedgerEntry.household_id)).scalars()]


def credits_audited() -> list:
    return [(a.detail["household_id"], a.detail["kind"], a.detail["points"],
             a.detail["version"]) for a in audit_entries() if a.action == "credit_check_points"]


def publish_and_commit(round_id: int) -> dict:
    published = publish(db.session.get(Round, round_id), supervisor())
    db.session.commit()
    return published


def test_first_publish_credits_each_checked_household_its_band_once():
    made = household_round(state="closed")
    h, boss = made.households, supervisor()
    publish_and_commit(made.round_id)
    expected = sorted([(h["A01"], "check", 10, boss.id), (h["A02"], "check", -10, boss.id),
                       (h["A05"], "check", 10, boss.id), (h["B01"], "check", 6, boss.id)])
    assert sorted(round_entries(made.round_id)) == expected
    assert sorted(credits_audited()) == sorted([(e[0], "check", e[2], 1) for e in expected])
    assert balances_of(h.values()) == {**{i: 0 for i in h.values()}, h["A01"]: 10,
                                       h["A02"]: -10, h["A05"]: 10, h["B01"]: 6}
    # Phones pull the households again: their balances moved.
    assert {c.entity_id for c in changes("household")} >= {
        str(h[n]) for n in ("A01", "A02", "A05", "B01")}
    assert len([c for c in changes("ledger_entry")]) == 4
    # The same result published again writes nothing.
    assert publish_and_commit(made.round_id)["published"]["version"] == 2
    assert sorted(round_entries(made.round_id)) == expected
    assert len(credits_audited()) == 4


def test_a_later_version_adjusts_only_the_bands_that_changed():
    made = household_round(state="closed")
    h = made.households
    publish_and_commit(made.round_id)
    # A supervisor admits A03's late check (99 → +10) and the township changes its veto
    # and bands: 86 now earns nothing, 93 and 100 still +10.
    db.session.get(Inspection, made.late_check).admitted_at = datetime.now(timezone.utc)
    change_settings(user("admin"), {"veto_points": -15, "points_table": [
        {"min_score": 90, "points": 10}, {"min_score": 0, "points": 0}]})
    db.session.commit()
    publish_and_commit(made.round_id)
    later = [(e[0], e[1], e[2]) for e in round_entries(made.round_id)][4:]
    assert sorted(later) == sorted([(h["A03"], "check", 10), (h["A02"], "adjust", -5),
                                    (h["B01"], "adjust", -6)])
    assert sorted(a for a in credits_audited() if a[3] == 2) == sorted(
        [(h["A03"], "check", 10, 2), (h["A02"], "adjust", -5, 2), (h["B01"], "adjust", -6, 2)])
    assert balances_of([h["A02"], h["A03"], h["B01"]]) == {h["A02"]: -15, h["A03"]: 10,
                                                          h["B01"]: 0}
    # B01's band is back: its credit in the round returns with one more adjust.
    change_settings(user("admin"), {"points_table": [{"min_score": 90, "points": 10},
                                                     {"min_score": 80, "points": 6}]})
    db.session.commit()
    publish_and_commit(made.round_id)
    assert [(e[0], e[1], e[2]) for e in round_entries(made.round_id)][7:] == [
        (h["B01"], "adjust", 6)]
    assert balance_of(h["B01"]) == 6


def test_a_band_of_0_credits_nothing_and_other_entries_do_not_count():
    made = household_round(state="closed")
    h = made.households
    change_settings(user("admin"), {"points_table": [{"min_score": 90, "points": 10},
                                                     {"min_score": 0, "points": 0}]})
    # A supervisor's correction of B01 is not a credit from this round.
    record_adjust(supervisor(), h["B01"], 4, "打扫村道")
    db.session.commit()
    publish_and_commit(made.round_id)
    assert h["B01"] not in {e[0] for e in round_entries(made.round_id)}
    assert balance_of(h["B01"]) == 4


def test_concurrent_publishes_credit_once(app):
    """Two supervisors publish the same round at once (two sessions): the second waits for
    the round's lock, then finds the first one's credits in the ledger."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers from BEGIN on: there is no 'at once'")
    made = household_round(state="closed")
    db.session.remove()
    versions, errors = twice_at_once(app, lambda: publish(
        db.session.get(Round, made.round_id), supervisor())["published"]["version"])
    assert errors == []
    assert sorted(versions) == [1, 2]
    h = made.households
    assert sorted((e[0], e[1], e[2]) for e in round_entries(made.round_id)) == sorted([
        (h["A01"], "check", 10), (h["A02"], "check", -10), (h["A05"], "check", 10),
        (h["B01"], "check", 6)])
    assert balances_of([h["A01"], h["B01"]]) == {h["A01"]: 10, h["B01"]: 6}
