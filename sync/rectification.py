"""Rectification rules, pure (domain.md, "Rectification and re-inspection").

A rectification's state is never stored: it follows from its items and the township's
date, so a deadline passing needs no job to mark anything overdue.
"""
from collections.abc import Iterable
from datetime import date, timedelta

from .states import (ITEM_CLOSED, RECTIFICATION_CLOSED, RECTIFICATION_OPEN,
                     RECTIFICATION_OVERDUE)

# A round's deadline setting when it has none: days after publishing.
DEFAULT_DEADLINE_DAYS = 15


def item_key(criterion: str, item: str) -> str:
    """How a rectification item is named in a recheck and its review: "criterion.item"."""
    return f"{criterion}.{item}"


def deadline_after(published_on: date, days: int | None) -> date:
    return published_on + timedelta(days=DEFAULT_DEADLINE_DAYS if days is None else days)


def rectification_state(item_states: Iterable[str], deadline: date, today: date) -> str:
    """closed when every item is closed off, overdue once the deadline has passed with
    an item open, else open. A rectification without items (nothing to fix) is closed."""
    if all(state == ITEM_CLOSED for state in item_states):
        return RECTIFICATION_CLOSED
    return RECTIFICATION_OVERDUE if today > deadline else RECTIFICATION_OPEN
