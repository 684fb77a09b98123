"""A township's settings (contract, `GET|PUT /township/settings`):
- `display_precision`: the decimals (1 or 2) the township's scores are shown with and
  ranked on (domain.md, "rank as published");
- `notice_days` (0..30, 0 = no public notice) and `objection_contact`: a star rating's
  public notice (公示);
- `star_thresholds`: the least star score of each level, "5" down to "1";
- `points_table` ([{min_score, points}], min_score descending) and `veto_points`: what a
  checked household earns when a household round is published (sync/households.py);
- `star_points`: the points a final rating gives each star level.
Admins change them; every township user reads them. A partial body changes only what it
names, every named field is checked and each wrong one is named. The caller commits.

A live ranking's cache key holds the precision (review/rankings.py), so a change shows
on the next read; a published snapshot keeps what it was computed with.
"""
from __future__ import annotations

from typing import Mapping

from sync.households import (DEFAULT_POINTS_ROWS, DEFAULT_STAR_POINTS,
                             DEFAULT_STAR_THRESHOLDS, band_table)
from sync.ranking import DEFAULT_PRECISION, PRECISIONS

from ..audit import record_audit
from ..extensions import db
from ..models import Township, User
from ..errors import CONTROL_CHARACTERS, Problem, Problems

SETTINGS = ("display_precision", "notice_days", "objection_contact", "star_thresholds",
            "points_table", "veto_points", "star_points")
STAR_LEVELS = ("5", "4", "3", "2", "1")
NOTICE_DAYS = (0, 30)
CONTACT_SIZE = 200
# A points table has at least one band and no more than a page can edit.
TABLE_ROWS = (1, 10)
# Points of one entry, either sign: more than a year of anything the domain names.
POINTS_LIMIT = 1000


def display_precision(township_id: int) -> int:
    """The decimals the township's scores are shown and ranked with."""
    found = db.session.execute(db.select(Township.display_precision)
                               .where(Township.id == township_id)).scalar_one_or_none()
    return found if found in PRECISIONS else DEFAULT_PRECISION


def _settings_of(township: Township) -> dict:
    precision = township.display_precision
    return {
        "display_precision": precision if precision in PRECISIONS else DEFAULT_PRECISION,
        "notice_days": township.notice_days,
        "objection_contact": township.objection_contact or "",
        "star_thresholds": dict(township.star_thresholds or DEFAULT_STAR_THRESHOLDS),
        "points_table": [dict(row) for row in township.points_table or DEFAULT_POINTS_ROWS],
        "veto_points": township.veto_points,
        "star_points": dict(township.star_points or DEFAULT_STAR_POINTS),
    }


def township_settings(township_id: int) -> dict:
    return _settings_of(db.session.get(Township, township_id))


def township_points_table(township_id: int) -> Mapping:
    """The table sync.households.band_points reads: the township's bands and veto."""
    settings = township_settings(township_id)
    return band_table(settings["points_table"], settings["veto_points"])


def _whole(value, low: int, high: int) -> bool:
    # bool is an int to Python, never a number to a person.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _score(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100


def _precision(value) -> int:
    if isinstance(value, bool) or value not in PRECISIONS:
        raise Problem("display_precision", {"choices": "1, 2"}, field="display_precision")
    return int(value)


def _notice_days(value) -> int:
    if not _whole(value, *NOTICE_DAYS):
        raise Problem("notice_days", {"low": NOTICE_DAYS[0], "high": NOTICE_DAYS[1]},
                      field="notice_days")
    return value


def _contact(value) -> str:
    if not isinstance(value, str) or len(value.strip()) > CONTACT_SIZE:
        raise Problem("objection_contact", {"size": CONTACT_SIZE}, field="objection_contact")
    # One line, as on the board: a line break or a NUL (which PostgreSQL refuses) is an
    # accident of copying.
    if not CONTROL_CHARACTERS.isdisjoint(value.strip()):
        raise Problem("control_character", field="objection_contact")
    return value.strip()


def _levels(value, field: str, valid) -> dict:
    """{"5": …, …, "1": …}: every level once, each value valid."""
    if not isinstance(value, Mapping) or sorted(value) != sorted(STAR_LEVELS) \
            or not all(valid(value[level]) for level in STAR_LEVELS):
        raise Problem(field, field=field)
    return {level: value[level] for level in STAR_LEVELS}


def _thresholds(value) -> dict:
    found = _levels(value, "star_thresholds", _score)
    least = [found[level] for level in STAR_LEVELS]
    # More stars need a higher score, or a level could never be reached.
    if any(higher <= lower for higher, lower in zip(least, least[1:])):
        raise Problem("star_thresholds", field="star_thresholds")
    return found


def _star_points(value) -> dict:
    return _levels(value, "star_points", lambda v: _whole(v, 0, POINTS_LIMIT))


def _points_table(value) -> list:
    def row_ok(row):
        return isinstance(row, Mapping) and set(row) == {"min_score", "points"} \
            and _score(row["min_score"]) and _whole(row["points"], -POINTS_LIMIT, POINTS_LIMIT)

    if not isinstance(value, list) or not TABLE_ROWS[0] <= len(value) <= TABLE_ROWS[1] \
            or not all(row_ok(row) for row in value):
        raise Problem("points_table", field="points_table")
    mins = [row["min_score"] for row in value]
    # Read from the highest band down: each band starts below the one before it.
    if any(higher <= lower for higher, lower in zip(mins, mins[1:])):
        raise Problem("points_table", field="points_table")
    return [{"min_score": row["min_score"], "points": row["points"]} for row in value]


def _veto_points(value) -> int:
    if not _whole(value, -POINTS_LIMIT, POINTS_LIMIT):
        raise Problem("veto_points", {"limit": POINTS_LIMIT}, field="veto_points")
    return value


CHECKS = {"display_precision": _precision, "notice_days": _notice_days,
          "objection_contact": _contact, "star_thresholds": _thresholds,
          "points_table": _points_table, "veto_points": _veto_points,
          "star_points": _star_points}


def checked_changes(changes: Mapping) -> dict:
    """The named settings checked, every wrong one reported at once (Problems)."""
    checked, problems = {}, []
    for name in SETTINGS:
        if name in changes:
            try:
                checked[name] = CHECKS[name](changes[name])
            except Problem as problem:
                problems.append(problem)
    if problems:
        raise Problems(problems)
    return checked


def change_settings(user: User, changes: Mapping) -> dict:
    """Applies the named settings to the user's township and answers all of them."""
    checked = checked_changes(changes)
    township = db.session.get(Township, user.township_id)
    before = _settings_of(township)
    for name, value in checked.items():
        setattr(township, name, value)
    after = _settings_of(township)
    changed = {k: [before[k], after[k]] for k in SETTINGS if before[k] != after[k]}
    if changed:
        record_audit("change_township_settings", "township", township.id, user=user,
                     detail=changed)
    return after
