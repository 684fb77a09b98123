"""A household round's results (domain.md, "Households, points and stars").

A household's score in a round is the plain mean of its counted inspections: no
shrinkage toward the township's mean and no Red or Black List, since a household is
judged on its own checks. "Counted" is what the group ranking counts (the server's
counted_clause, then sync.ranking.counts); a counted veto (one whose evidence was not
rejected) gives the veto band whatever the score. Points are read on the shown score,
the score as the township displays it, so what a household reads is what was banded.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from .ranking import DEFAULT_PRECISION, PRECISIONS, counts, shown_score
from .rubric import InspectionScore

# The township's points table (积分 for a check), as the township setting stores it
# (contract: `points_table: [{min_score, points}]`, min_score descending, and
# `veto_points`): the first row whose min_score the shown score reaches gives its points;
# a counted veto gives veto_points whatever the score. Defaults are domain.md's.
DEFAULT_POINTS_ROWS = ({"min_score": 90, "points": 10}, {"min_score": 80, "points": 6},
                       {"min_score": 70, "points": 3}, {"min_score": 60, "points": 0},
                       {"min_score": 0, "points": -5})
DEFAULT_VETO_POINTS = -10
# Star ratings' settings (domain.md, "Star ratings"): the least score for each level, and
# the points a final rating gives each level (none by default).
DEFAULT_STAR_THRESHOLDS: Mapping = {"5": 95, "4": 90, "3": 80, "2": 70, "1": 60}
DEFAULT_STAR_POINTS: Mapping = {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0}


def band_table(rows, veto_points: int) -> Mapping:
    """The table band_points reads, from the setting's rows: a score below every row
    earns nothing."""
    return {"bands": tuple({"min": row["min_score"], "points": row["points"]} for row in rows),
            "below": 0, "veto": veto_points}


DEFAULT_POINTS_TABLE: Mapping = band_table(DEFAULT_POINTS_ROWS, DEFAULT_VETO_POINTS)


# 户号 in the order people count them, as the phone lists them (pwa/households.js
# byNumber: Intl.Collator's numeric compare): "2" before "10", "12" before "12-1". A
# database cannot compare that way, so the server stores this key beside the number and
# orders by it: every run of ASCII digits zero-padded to NUMBER_DIGITS, the rest as typed.
# "01" and "1" share a key (the phone ties them too; both then order by id). A run longer
# than NUMBER_DIGITS (no 户号 has one) is kept whole and sorts by its first digits.
NUMBER_DIGITS = 8
# The longest key of a 20-character number: ten one-digit runs padded, nine separators.
NUMBER_SORT_SIZE = 100
_DIGIT_RUN = re.compile(r"[0-9]+")


def number_sort_key(number: str) -> str:
    """The key that orders 户号 naturally ("2" < "10" < "12" < "12-1" < "12a")."""
    return _DIGIT_RUN.sub(lambda run: run.group().zfill(NUMBER_DIGITS), number)


@dataclass(frozen=True)
class HouseholdRef:
    household_id: int
    group_id: int
    number: str     # 户号, as typed
    head: str       # 户主
    active: bool = True


@dataclass(frozen=True)
class CountedCheck:
    """A counted inspection of one household, scored with its void deductions dropped."""
    inspection_id: str
    household_id: int
    score: InspectionScore


@dataclass(frozen=True)
class HouseholdResult:
    household_id: int
    group_id: int
    number: str
    head: str
    score: float            # the mean of its counted inspections, unrounded
    shown_score: float      # rounded half-up to the township's precision: what is banded
    inspections: int
    veto: bool              # a counted inspection has a counted veto
    points: int             # the points table's band for shown_score (or the veto's)


@dataclass(frozen=True)
class HouseholdResults:
    households: list        # HouseholdResult, in the order the households were given
    not_checked: list       # HouseholdRef: active, with no counted inspection
    precision: int = DEFAULT_PRECISION


def band_points(shown: float, veto: bool, table: Mapping = DEFAULT_POINTS_TABLE) -> int:
    """The points a checked household's result earns from the township's table."""
    if veto:
        return table["veto"]
    for band in sorted(table["bands"], key=lambda b: -b["min"]):
        if shown >= band["min"]:
            return band["points"]
    return table["below"]


def household_results(households: Iterable[HouseholdRef], checks: Iterable[CountedCheck], *,
                      precision: int = DEFAULT_PRECISION,
                      points_table: Mapping = DEFAULT_POINTS_TABLE) -> HouseholdResults:
    """Each household's result from its counted checks. A checked household is listed
    whether active or not (it was checked); only active ones are "not checked"."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}")
    households = list(households)
    known = {h.household_id for h in households}
    by_household = defaultdict(list)
    for check in checks:
        if check.household_id in known and counts(check.score):
            by_household[check.household_id].append(check.score)
    results, not_checked = [], []
    for ref in households:
        scores = by_household.get(ref.household_id)
        if not scores:
            if ref.active:
                not_checked.append(ref)
            continue
        score = math.fsum(s.total for s in scores) / len(scores)
        shown = shown_score(score, precision)
        veto = any(s.veto for s in scores)
        results.append(HouseholdResult(
            ref.household_id, ref.group_id, ref.number, ref.head, score, shown, len(scores),
            veto, band_points(shown, veto, points_table)))
    return HouseholdResults(results, not_checked, precision)
