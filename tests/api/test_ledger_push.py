"""Points entries in the push (sync-protocol.md, "Points travel in the same push"):
outcomes in request order, the points the server computes, the balance after each
entry, idempotency by id, overdrafts applied and flagged, per-field errors, roles and
isolation between townships, and two phones pushing at once."""
import threading

import pytest

from server.extensions import db
from server.models import LedgerEntry, PointsRule

from tests.support.ledger import add_households, deed, push_ledger, redeem
from tests.support.townships import other_township

RESULT_KEYS = {"id", "outcome", "errors", "reasons", "flags", "balance"}


@pytest.fixture
def households(app):
    return add_households(app, 2)


def stored(app) -> list[tuple]:
    with app.app_context():
        return [(e.household_id, e.kind, e.points, e.flags) for e in db.session.execute(
            db.select(LedgerEntry).order_by(LedgerEntry.received_at)).scalars()]


def test_deeds_and_redeems_are_applied_with_the_servers_points_and_balance(app, phone,
                                                                            households):
    first, second = households
    results = push_ledger(phone, deed(first), deed(first, "burning_found"),
                          redeem(first, ("肥皂", 2, 3), ("米", 1, 1)), deed(second, "volunteer"))
    assert all(set(r) == RESULT_KEYS for r in results)
    assert [(r["outcome"], r["flags"], r["balance"], r["errors"]) for r in results] == [
        ("applied", [], 5, {}), ("applied", [], -5, {}), ("applied", ["overdraft"], -12, {}),
        ("applied", [], 2, {})]
    assert stored(app) == [(first, "deed", 5, []), (first, "deed", -10, []),
                           (first, "redeem", -7, ["overdraft"]), (second, "deed", 2, [])]


def test_an_overdraft_is_applied_and_flagged_never_refused(app, phone, households):
    first, _ = households
    [earned] = push_ledger(phone, deed(first))
    [spent] = push_ledger(phone, redeem(first, ("洗衣粉", 1, 5)))
    [over] = push_ledger(phone, redeem(first, ("酱油", 1, 1)))
    assert (earned["balance"], spent["flags"], spent["balance"]) == (5, [], 0)
    assert (over["outcome"], over["flags"], over["balance"]) == ("applied", ["overdraft"], -1)


def test_a_redemption_pushed_twice_spends_once(app, phone, households):
    first, _ = households
    push_ledger(phone, deed(first))
    entry = redeem(first, ("米", 1, 8))
    [applied] = push_ledger(phone, entry)
    # the retry, another tab with another body: the same id is the same entry
    again, changed = push_ledger(phone, entry, {**entry, "goods": []})
    assert (applied["outcome"], applied["flags"], applied["balance"]) == (
        "applied", ["overdraft"], -3)
    for result in (again, changed):
        assert (result["outcome"], result["flags"], result["balance"], result["errors"]) == (
            "duplicate", ["overdraft"], -3, {})
    assert [points for _, _, points, _ in stored(app)] == [5, -8]


def test_a_deed_naming_a_rule_deactivated_meanwhile_is_applied_and_flagged(app, phone,
                                                                           households):
    with app.app_context():
        rule = db.session.execute(db.select(PointsRule).where(
            PointsRule.key == "volunteer")).scalar_one()
        rule.active, rule.points = False, 4  # the rule's points when applied
        db.session.commit()
    [result] = push_ledger(phone, deed(households[0], "volunteer"))
    assert (result["outcome"], result["flags"], result["balance"]) == (
        "applied", ["inactive_rule"], 4)


def test_bad_entries_are_rejected_per_field_and_the_rest_applied_in_order(app, phone,
                                                                           households):
    first, _ = households
    b = other_township(app)
    [elsewhere] = add_households(app, 1, township_id=b.id)
    entries = [deed(first, "no_such_rule"), deed(elsewhere), deed(999999999),
               redeem(first, goods=[]), redeem(first, ("米", 0, 1)),
               redeem(first, ("米", 1, -1)), deed(first, goods=[{"name": "米", "quantity": 1,
                                                                   "points": 1}]),
               {**deed(first), "points": 100}, "not an entry", deed(first)]
    results = push_ledger(phone, *entries)
    assert [(r["outcome"], r["reasons"] and sorted(r["reasons"])) for r in results] == [
        ("rejected", ["rule_key"]), ("rejected", ["household_id"]),
        ("rejected", ["household_id"]), ("rejected", ["goods"]),
        ("rejected", ["goods.0.quantity"]), ("rejected", ["goods.0.points"]),
        ("rejected", ["goods"]), ("rejected", ["points"]), ("rejected", ["entry"]),
        ("applied", {})]
    assert results[1]["errors"] == {"household_id": ["unknown household"]}
    assert results[0]["reasons"] == {"rule_key": [{"code": "unknown_rule", "params": {}}]}
    assert all(r["balance"] is None for r in results[:-1]) and results[-1]["balance"] == 5
    assert stored(app) == [(first, "deed", 5, [])]


def test_another_townships_phone_reaches_neither_the_households_nor_the_entries(
        app, api, phone, households):
    first, _ = households
    entry = deed(first)
    push_ledger(phone, entry)
    b = other_township(app)
    theirs = api.as_user(b.usernames["inspector"])
    [again] = push_ledger(theirs, entry)   # the id is known, but not theirs to read
    [attempt] = push_ledger(theirs, deed(first))
    assert (again["outcome"], again["balance"], sorted(again["errors"])) == (
        "rejected", None, ["id"])
    assert (attempt["outcome"], sorted(attempt["errors"])) == ("rejected", ["household_id"])


def test_a_push_without_entries_answers_no_ledger_results(phone):
    answer = phone.post("/sync/push", json={"client_id": phone.client_id,
                                            "inspections": []}).get_json()
    assert "ledger_results" not in answer
    assert phone.post("/sync/push", json={"client_id": phone.client_id, "inspections": [],
                                          "ledger": "no"}).status_code == 400


def test_an_entry_lands_and_every_phone_pulls_the_household_again(app, api, phone, households):
    first, _ = households
    other = api.as_user("inspector2")
    _, cursor = other.pull_all()
    push_ledger(phone, deed(first))
    changes, _ = other.pull_all(cursor)
    assert [(c["type"], c["data"]["balance"]) for c in changes if c["type"] == "household"] == [
        ("household", 5)]


def test_two_phones_pushing_at_once_keep_the_balance_the_sum(app, api, households):
    """Each push applies its entries one by one under the household's row lock (on
    PostgreSQL the two requests really race): every balance answered is one the
    household really had, so no two are the same, and the last is the sum."""
    first, _ = households
    phones = [api.as_user("inspector1"), api.as_user("inspector2")]
    batches = [[deed(first) for _ in range(8)] for _ in phones]
    answered, errors = [], []
    start = threading.Barrier(2)

    def push(session, batch):
        try:
            client = app.test_client()
            start.wait()
            answered.extend(push_ledger(session, *batch, client=client))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=push, args=pair) for pair in zip(phones, batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {r["outcome"] for r in answered} == {"applied"}
    assert sorted(r["balance"] for r in answered) == list(range(5, 81, 5))
    with app.app_context():
        assert db.session.execute(db.select(db.func.sum(LedgerEntry.points))).scalar() == 80
