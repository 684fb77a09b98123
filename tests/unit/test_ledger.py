"""sync/ledger.py: a pushed points entry's validation and the points the server computes."""
import uuid

import pytest

from sync.ledger import LedgerFacts, computed, entry_reasons

FACTS = LedgerFacts(households=frozenset({1, 2}),
                    rules={"cleanup_day": (5, True), "old_rule": (3, False)},
                    goods=frozenset({7}))


def deed(**overrides):
    return {"id": str(uuid.uuid4()), "household_id": 1, "kind": "deed",
            "recorded_at": "2026-12-07T10:00:00+08:00", "rule_key": "cleanup_day",
            **overrides}


def redeem(*lines, **overrides):
    return {"id": str(uuid.uuid4()), "household_id": 1, "kind": "redeem",
            "recorded_at": "2026-12-07T10:00:00+08:00",
            "goods": [{"goods_id": None, "name": "肥皂", "quantity": 2, "points": 3}, *lines],
            **overrides}


def codes(payload, facts=FACTS):
    return {path: [r.code for r in found] for path, found in entry_reasons(payload, facts).items()}


def test_a_deed_and_a_redeem_are_valid():
    assert codes(deed(note="扫了村道", photos=[])) == {}
    assert codes(redeem({"goods_id": 7, "name": "Soap", "quantity": 1, "points": 1})) == {}


@pytest.mark.parametrize("payload, expected", [
    (deed(household_id=3), {"household_id": ["unknown_household"]}),
    (deed(household_id="1"), {"household_id": ["unknown_household"]}),
    (deed(rule_key="nope"), {"rule_key": ["unknown_rule"]}),
    (deed(rule_key=None), {"rule_key": ["required"]}),
    (deed(goods=[{"name": "x", "quantity": 1, "points": 1}]), {"goods": ["goods_not_allowed"]}),
    (redeem(goods=[]), {"goods": ["goods_required"]}),
    (redeem(goods=None), {"goods": ["goods_required"]}),
    (redeem(rule_key="cleanup_day"), {"rule_key": ["rule_not_allowed"]}),
    (redeem(goods=[{"name": "x", "quantity": 0, "points": 1}]), {"goods.0.quantity": ["too_small"]}),
    (redeem(goods=[{"name": "x", "quantity": 1, "points": -2}]), {"goods.0.points": ["too_small"]}),
    (redeem(goods=[{"name": "x", "quantity": 1, "points": 0}]), {"goods.0.points": ["too_small"]}),
    (redeem(goods=[{"name": "x", "quantity": 1.5, "points": 1}]),
     {"goods.0.quantity": ["not_integer"]}),
    (redeem(goods=[{"goods_id": 8, "name": "x", "quantity": 1, "points": 1}]),
     {"goods.0.goods_id": ["unknown_goods"]}),
    (redeem(goods=[{"name": "x", "quantity": 1, "points": 1, "price": 1}]),
     {"goods.0.price": ["unknown_key"]}),
    (deed(kind="star"), {"kind": ["not_entry_kind"]}),
    (deed(colour="red"), {"colour": ["unknown_key"]}),
    (deed(id="not-a-uuid"), {"id": ["not_uuid"]}),
    (deed(recorded_at="yesterday"), {"recorded_at": ["not_time"]}),
    (deed(photos=[{"id": str(uuid.uuid4()), "sha256": "a" * 64, "size": 1, "mime": "image/jpeg",
                   "width": 1, "height": 1, "criterion": "yard", "item": None,
                   "source": "camera"}]), {"photos.0.criterion": ["must_be_null"]}),
])
def test_each_bad_field_is_named(payload, expected):
    assert codes(payload) == expected


def test_not_an_object():
    assert codes(None) == {"entry": ["not_object"]}
    assert codes([1]) == {"entry": ["not_object"]}


def test_a_shopkeeper_records_redemptions_only():
    shop = LedgerFacts(FACTS.households, FACTS.rules, FACTS.goods, kinds=("redeem",))
    assert codes(deed(), shop) == {"kind": ["forbidden"]}
    assert codes(redeem(), shop) == {}


def test_points_a_deed_takes_the_rules_current_points_and_flags_an_inactive_rule():
    assert (computed(deed(), FACTS, 0).points, computed(deed(), FACTS, 0).flags) == (5, [])
    inactive = computed(deed(rule_key="old_rule"), FACTS, 0)
    assert (inactive.points, inactive.flags) == (3, ["inactive_rule"])


def test_a_redeem_spends_the_sum_and_an_overdraft_is_flagged_not_refused():
    payload = redeem({"goods_id": 7, "name": "米", "quantity": 3, "points": 10})
    assert computed(payload, FACTS, 36).points == -36
    assert computed(payload, FACTS, 36).flags == []
    assert computed(payload, FACTS, 35).flags == ["overdraft"]
