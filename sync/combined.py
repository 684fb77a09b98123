"""The combined result of several published rounds (domain.md, "Combined results").

Each round comes in as its published snapshot's ranked groups; a group's combined score
is the mean of its WR over the rounds it was ranked in. Ranks, ties and the two lists
follow the round's rule in sync/ranking.py and use its functions: ranked on the score
as shown at the township's precision, with one tie-break fewer (rounds with a veto,
then the place is shared).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from .ranking import (DEFAULT_PRECISION, PRECISIONS, GroupRef, Lost, assign_ranks,
                      default_list_sizes, draw_lists, largest_deductions, shown_score)


@dataclass(frozen=True)
class PublishedRound:
    """One chosen round: its snapshot's ranked groups ({group_id, score, veto, reasons,
    ...}) and, for weighing their reasons, {(criterion, item): (points each, is veto)}
    from the rubric the round was scored with."""
    groups: Sequence[Mapping]
    items: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class CombinedGroup:
    group_id: int
    rank: int
    score: float            # mean WR over the rounds the group was ranked in, unrounded
    shown_score: float      # the score rounded half-up to the precision: the value ranked
    tie_break: str | None   # "veto" or None: what put it below a group showing the same
    rounds: int             # how many of the chosen rounds ranked it
    partial: bool           # ranked in fewer than all of them
    veto: bool              # a veto in any of them
    list: str | None        # "red", "black" or None
    reasons: list           # [{criterion, item, count}], the largest deductions first


@dataclass(frozen=True)
class Combined:
    groups: list = field(default_factory=list)      # CombinedGroup, by rank
    red_size: int = 0                               # the sizes used, defaults filled in
    black_size: int = 0
    precision: int = DEFAULT_PRECISION              # the decimals of shown_score


@dataclass
class _CombinedStats:
    """What assign_ranks and draw_lists read of a group."""
    ref: GroupRef
    weighted: float         # the combined score
    shown: float            # as shown: what ranks
    veto_count: int         # rounds with a veto
    rounds: int
    deductions: dict        # (criterion, item) -> Lost, over every chosen round
    tie_subtotal: float = 0.0   # no subtotal tie-break here: the same for every group


def _add_reasons(deductions: dict, reasons: Iterable[Mapping], items: Mapping) -> None:
    """A round's reasons into the group's sums. A snapshot keeps a group's few largest
    deductions of the round (sync.ranking.MAX_REASON_ITEMS): those are what add up."""
    for reason in reasons:
        key = (reason["criterion"], reason["item"])
        # An item the rubric no longer knows weighs by its count alone.
        points, veto = items.get(key, (1.0, False))
        lost = deductions.setdefault(key, Lost())
        lost.count += reason["count"]
        lost.points.append(points * reason["count"])
        lost.veto = lost.veto or veto


def combine_rounds(rounds: Sequence[PublishedRound], names: Mapping | None = None, *,
                   red_size: int | None = None, black_size: int | None = None,
                   precision: int = DEFAULT_PRECISION) -> Combined:
    """Rank the groups of the chosen rounds by their mean WR as shown with `precision`
    decimals. `names`: {group_id: name}, the order of groups sharing a place (by id
    without it)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}")
    names = names or {}
    scores, vetoes, deductions = defaultdict(list), defaultdict(int), defaultdict(dict)
    for round_ in rounds:
        for group in round_.groups:
            group_id = group["group_id"]
            scores[group_id].append(group["score"])
            vetoes[group_id] += bool(group["veto"])
            # Snapshots published before reasons were data hold words only: no counts.
            _add_reasons(deductions[group_id], group.get("reasons") or (), round_.items)
    means = {group_id: math.fsum(found) / len(found) for group_id, found in scores.items()}
    stats = [_CombinedStats(ref=GroupRef(group_id, "", names.get(group_id, "")),
                            weighted=means[group_id],
                            shown=shown_score(means[group_id], precision),
                            veto_count=vetoes[group_id], rounds=len(found),
                            deductions=deductions[group_id])
             for group_id, found in scores.items()]
    default_red, default_black = default_list_sizes(len(stats))
    red_size = default_red if red_size is None else red_size
    black_size = default_black if black_size is None else black_size
    placed = assign_ranks(stats)
    listed = draw_lists(placed, red_size, black_size)
    return Combined([
        CombinedGroup(group_id=p.stats.ref.group_id, rank=p.rank, score=p.stats.weighted,
                      shown_score=p.stats.shown, tie_break=p.tie_break, rounds=p.stats.rounds,
                      partial=p.stats.rounds < len(rounds), veto=p.stats.veto_count > 0,
                      list=listed.get(p.stats.ref.group_id),
                      reasons=largest_deductions(p.stats.deductions))
        for p in placed], red_size, black_size, precision)
