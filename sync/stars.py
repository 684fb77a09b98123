"""Star ratings (星级评定, domain.md "Star ratings"): stars from a chosen set of published
household rounds. Plain data in, plain data out.

Each chosen round comes in as its published household results' checked households
({household_id, score, veto, ...}). A household's star score is the mean of its scores
over the chosen rounds in which it was checked, rounded half-up to the township's
precision as household results round (sync.ranking.shown_score); its stars are the
highest level whose threshold that shown score reaches, none below the lowest, and none
at all with a counted veto in any chosen round.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .households import DEFAULT_STAR_THRESHOLDS
from .ranking import DEFAULT_PRECISION, PRECISIONS, shown_score

# The levels, most stars first, as the township setting names them.
STAR_LEVELS = ("5", "4", "3", "2", "1")
MAX_STARS = 5


@dataclass(frozen=True)
class StarResult:
    household_id: int
    score: float        # the shown (rounded) mean of its scores over the rounds it was checked in
    rounds: int         # how many of the chosen rounds checked it
    partial: bool       # checked in fewer than all of them
    veto: bool          # a counted veto in any of them
    stars: int          # 0..5; 0 below the lowest threshold or with a veto


def stars_for(score: float, veto: bool,
              thresholds: Mapping = DEFAULT_STAR_THRESHOLDS) -> int:
    """The star level a shown score reaches under the township's thresholds."""
    if veto:
        return 0
    for level in STAR_LEVELS:
        if score >= thresholds[level]:
            return int(level)
    return 0


def rate_households(rounds: Sequence[Iterable[Mapping]], *,
                    thresholds: Mapping = DEFAULT_STAR_THRESHOLDS,
                    precision: int = DEFAULT_PRECISION) -> list[StarResult]:
    """Every household checked in at least one of `rounds` (each round's checked
    households), in the order they first appear; no household that none checked."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}")
    scores: dict[int, list[float]] = {}
    vetoed: set[int] = set()
    for households in rounds:
        for h in households:
            scores.setdefault(h["household_id"], []).append(float(h["score"]))
            if h.get("veto"):
                vetoed.add(h["household_id"])
    results = []
    for household_id, found in scores.items():
        score = shown_score(math.fsum(found) / len(found), precision)
        veto = household_id in vetoed
        results.append(StarResult(household_id, score, len(found), len(found) < len(rounds),
                                  veto, stars_for(score, veto, thresholds)))
    return results
