"""A township's settings (contract, `GET|PUT /township/settings`). This one brings
`display_precision`: the decimals (1 or 2) the township's scores are shown with and
ranked on (domain.md, "rank as published"). Admins change it; every township user reads
it. A partial body changes only what it names. The caller commits.

A live ranking's cache key holds the precision (review/rankings.py), so a change shows
on the next read; a published list keeps the precision it was published with.
"""
from __future__ import annotations

from typing import Mapping

from sync.ranking import DEFAULT_PRECISION, PRECISIONS

from ..audit import record_audit
from ..extensions import db
from ..models import Township, User
from ..errors import Problem, Problems

SETTINGS = ("display_precision",)


def display_precision(township_id: int) -> int:
    """The decimals the township's scores are shown and ranked with."""
    found = db.session.execute(db.select(Township.display_precision)
                               .where(Township.id == township_id)).scalar_one_or_none()
    return found if found in PRECISIONS else DEFAULT_PRECISION


def township_settings(township_id: int) -> dict:
    return {"display_precision": display_precision(township_id)}


def _precision(value) -> int:
    # bool is an int to Python, never a precision to a person.
    if isinstance(value, bool) or value not in PRECISIONS:
        raise Problems([Problem("display_precision", {"choices": "1, 2"},
                                field="display_precision")])
    return int(value)


def change_settings(user: User, changes: Mapping) -> dict:
    """Applies the named settings to the user's township and answers all of them."""
    township = db.session.get(Township, user.township_id)
    before = township_settings(township.id)
    if "display_precision" in changes:
        township.display_precision = _precision(changes["display_precision"])
    after = township_settings(township.id)
    changed = {k: [before[k], after[k]] for k in SETTINGS if before[k] != after[k]}
    if changed:
        record_audit("change_township_settings", "township", township.id, user=user,
                     detail=changed)
    return after
