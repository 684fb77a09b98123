"""A rectification's state from its items and the township's date (sync/rectification.py)."""
from datetime import date, timedelta

import pytest

from sync.rectification import deadline_after, item_key, rectification_state
from sync.states import (ITEM_CLOSED, ITEM_FIXED, ITEM_OPEN, RECTIFICATION_CLOSED,
                         RECTIFICATION_OPEN, RECTIFICATION_OVERDUE)

DEADLINE = date(2026, 11, 20)


@pytest.mark.parametrize("today, state", [
    (DEADLINE - timedelta(days=1), RECTIFICATION_OPEN),
    (DEADLINE, RECTIFICATION_OPEN),                   # the deadline day itself is not late
    (DEADLINE + timedelta(days=1), RECTIFICATION_OVERDUE),
    (DEADLINE + timedelta(days=400), RECTIFICATION_OVERDUE),
])
def test_the_deadline_passing_makes_open_items_overdue(today, state):
    assert rectification_state([ITEM_OPEN, ITEM_CLOSED], DEADLINE, today) == state


def test_items_closed_off_one_by_one():
    items = [ITEM_OPEN, ITEM_OPEN, ITEM_OPEN]
    for n in range(len(items)):
        assert rectification_state(items, DEADLINE, DEADLINE) == RECTIFICATION_OPEN
        items[n] = ITEM_CLOSED
    assert rectification_state(items, DEADLINE, DEADLINE) == RECTIFICATION_CLOSED
    # closed stays closed once the deadline has passed: nothing is left to fix
    assert rectification_state(items, DEADLINE, DEADLINE + timedelta(days=30)) \
        == RECTIFICATION_CLOSED


def test_a_fixed_item_is_still_open_until_a_supervisor_closes_it_off():
    assert rectification_state([ITEM_CLOSED, ITEM_FIXED], DEADLINE, DEADLINE) \
        == RECTIFICATION_OPEN
    assert rectification_state([ITEM_CLOSED, ITEM_FIXED], DEADLINE,
                               DEADLINE + timedelta(days=1)) == RECTIFICATION_OVERDUE


def test_an_item_reopened_reopens_the_rectification():
    items = [ITEM_CLOSED, ITEM_CLOSED]
    assert rectification_state(items, DEADLINE, DEADLINE) == RECTIFICATION_CLOSED
    items[1] = ITEM_OPEN   # sent back on review
    assert rectification_state(items, DEADLINE, DEADLINE) == RECTIFICATION_OPEN
    assert rectification_state(items, DEADLINE, DEADLINE + timedelta(days=1)) \
        == RECTIFICATION_OVERDUE


def test_nothing_to_fix_is_closed():
    assert rectification_state([], DEADLINE, DEADLINE + timedelta(days=1)) \
        == RECTIFICATION_CLOSED


def test_deadline_after_publishing():
    assert deadline_after(date(2026, 11, 25), None) == date(2026, 12, 10)   # 15 days
    assert deadline_after(date(2026, 12, 31), 7) == date(2027, 1, 7)
    assert deadline_after(date(2026, 11, 25), 0) == date(2026, 11, 25)


def test_items_are_named_criterion_dot_item():
    assert item_key("collection", "bins") == "collection.bins"
