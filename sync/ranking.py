"""The ranking rule of one round (domain.md, "Merging into rankings").

Every sum goes through math.fsum, which is correctly rounded and so independent of
input order: the same data always gives the same scores to the last bit.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from typing import Iterable, Mapping, NamedTuple

from .rubric import TIE_BREAK_CRITERIA, InspectionScore

# Float noise tolerated between two tie-break subtotals (means of the same points).
TIE_EPSILON = 1e-9
RED_MIN_SCORE = 85.0
RED, BLACK = "red", "black"
MAX_REASON_ITEMS = 3
# The decimals a township shows its scores with (its display_precision); ranks are
# decided on the score as shown, so what the public reads is what was ranked.
PRECISIONS = (1, 2)
DEFAULT_PRECISION = 1
# Which rule put a group below another with the same shown score (tie_break).
TIE_BREAK_VETO, TIE_BREAK_SUBTOTAL = "veto", "subtotal"


def shown_score(score: float, precision: int = DEFAULT_PRECISION) -> float:
    """The score rounded half-up to `precision` decimals, as pages and posters show it:
    of the exact binary value, like every score the pages and the phone show
    (sync.rubric.score_text, JavaScript's toFixed), so no surface reads another digit."""
    step = Decimal(1).scaleb(-precision)
    return float(Decimal(score).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class GroupRef:
    group_id: int
    village: str
    name: str


@dataclass(frozen=True)
class CountedInspection:
    """A submitted, not rejected inspection, scored with its void deductions dropped."""
    inspection_id: str
    group_id: int
    inspector_id: int
    score: InspectionScore


@dataclass(frozen=True)
class RankedGroup:
    group_id: int
    village: str
    name: str
    rank: int
    score: float            # WR, unrounded
    shown_score: float      # WR rounded half-up to the precision: the value ranked
    tie_break: str | None   # "veto", "subtotal" or None: what put it below an equal score
    raw_score: float        # R, unrounded
    inspections: int        # v
    inspectors: int
    low_confidence: bool
    veto: bool
    list: str | None        # "red", "black" or None
    reasons: list           # [{criterion, item, count}], the largest deductions first
    change: int | None      # previous rank − rank; positive = moved up


@dataclass(frozen=True)
class Ranking:
    groups: list = field(default_factory=list)         # RankedGroup, by rank then name
    not_inspected: list = field(default_factory=list)  # GroupRef, by village then name
    mean_raw_score: float | None = None                # C, the shrinkage target
    red_size: int = 0                                  # the sizes used, defaults filled in
    black_size: int = 0
    precision: int = DEFAULT_PRECISION                 # the decimals of shown_score


@dataclass
class _GroupStats:
    ref: GroupRef
    raw: float              # R
    inspections: int        # v
    inspectors: int
    veto_count: int
    tie_subtotal: float     # mean collection + toilets subtotal
    deductions: dict        # (criterion, item) -> Lost
    weighted: float = 0.0   # WR, set once C is known
    shown: float = 0.0      # WR as shown: what ranks


@dataclass
class Lost:
    """One deduction item summed over a group's counted inspections."""
    count: int = 0
    points: list = field(default_factory=list)   # summed with fsum, like every score
    veto: bool = False


def default_list_sizes(n_ranked: int) -> tuple[int, int]:
    """(red, black) = (max(3, ⌈15 %⌉), max(2, ⌈10 %⌉)) of the ranked groups."""
    # Integer ceilings: in floats 0.1 * 30 is 3.0000000000000004, whose ceiling is 4.
    return max(3, -(-15 * n_ranked // 100)), max(2, -(-10 * n_ranked // 100))


def counts(score: InspectionScore) -> bool:
    """Whether a counted inspection's score moves a result: an all-N/A inspection has
    no total, so it cannot, and is ignored (by the ranking and the household results)."""
    return score.total is not None


def _mean(values) -> float:
    values = list(values)
    return math.fsum(values) / len(values)


def _group_stats(ref: GroupRef, inspections: list) -> _GroupStats:
    by_inspector = defaultdict(list)
    deductions = defaultdict(Lost)
    for inspection in inspections:
        by_inspector[inspection.inspector_id].append(inspection.score.total)
        for d in inspection.score.deductions:
            lost = deductions[(d.criterion, d.item)]
            lost.count += d.count
            lost.points.append(d.points)
            lost.veto = lost.veto or d.veto
    return _GroupStats(
        ref=ref,
        # Average each inspector first so one inspector visiting twice counts once.
        raw=_mean(_mean(totals) for totals in by_inspector.values()),
        inspections=len(inspections),
        inspectors=len(by_inspector),
        veto_count=sum(1 for i in inspections if i.score.veto),
        tie_subtotal=_mean(i.score.subtotal(TIE_BREAK_CRITERIA) for i in inspections),
        deductions=dict(deductions),
    )


def largest_deductions(deductions: dict) -> list[dict]:
    """The largest deductions as plain data, a veto item always first. Ties go by key,
    not by label, so every language lists the same deductions in the same order."""
    ordered = sorted(deductions.items(),
                     key=lambda kv: (not kv[1].veto, -math.fsum(kv[1].points), kv[0]))
    return [{"criterion": criterion, "item": item, "count": lost.count}
            for (criterion, item), lost in ordered[:MAX_REASON_ITEMS]]


def reason_text(reasons: Iterable[Mapping], labels: Mapping, separator: str = ", ") -> str:
    """"label ×count, …" from a reason list; an item without a label shows its key."""
    return separator.join([
        f"{labels.get((r['criterion'], r['item']), r['item'])} ×{r['count']}" for r in reasons])


def _clusters(ordered: list, key) -> list:
    """Split a list sorted by key (descending) into runs within TIE_EPSILON of their first."""
    runs = []
    for entry in ordered:
        if runs and key(runs[-1][0]) - key(entry) <= TIE_EPSILON:
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return runs


class Place(NamedTuple):
    stats: object           # what was ranked (its `ref`, `shown`, tie-break keys)
    rank: int
    tie_break: str | None   # the rule that put it below a group showing the same score


def assign_ranks(stats: list) -> list[Place]:
    """Places in rank order, competition style (1, 2, 2, 4). A stats entry has `ref`,
    `shown` (the score as shown: equal shown scores tie, whatever the digits behind),
    then `veto_count` and `tie_subtotal`, the tie-breaks in order."""
    def by_name(s):
        return (s.ref.name, s.ref.group_id)
    ordered = sorted(stats, key=lambda s: (-s.shown, by_name(s)))
    placed = []
    for _, same_score in groupby(ordered, key=lambda s: s.shown):
        # Tie-breaks: fewer vetoed inspections, then the higher collection + toilets mean.
        same_score = sorted(same_score, key=lambda s: (s.veto_count, -s.tie_subtotal, by_name(s)))
        top_vetoes = same_score[0].veto_count
        for vetoes, bucket in groupby(same_score, key=lambda s: s.veto_count):
            for n, tied in enumerate(_clusters(list(bucket), lambda s: s.tie_subtotal)):
                rank = len(placed) + 1
                # The first rule that parts it from the best of its shown score.
                reason = (TIE_BREAK_VETO if vetoes != top_vetoes
                          else TIE_BREAK_SUBTOTAL if n else None)
                placed.extend(Place(s, rank, reason) for s in sorted(tied, key=by_name))
    return placed


def _take_with_ties(candidates: list, size: int) -> list:
    """The first `size` places plus any that share the last one's place."""
    if size <= 0 or not candidates:
        return []
    taken = candidates[:size]
    edge_rank = taken[-1].rank
    taken += [c for c in candidates[size:] if c.rank == edge_rank]
    return taken


def draw_lists(placed: list, red_size: int, black_size: int) -> dict:
    """{group_id: "red" | "black"} from assign_ranks' places; the Black List is drawn
    first, so never both."""
    black = {p.stats.ref.group_id for p in _take_with_ties(placed[::-1], black_size)}
    black |= {p.stats.ref.group_id for p in placed if p.stats.veto_count}
    eligible = [p for p in placed
                if p.stats.ref.group_id not in black and not p.stats.veto_count
                # read on the shown score, like the rank: a list shows no 84.96 as 85.0
                and p.stats.shown >= RED_MIN_SCORE]
    red = {p.stats.ref.group_id for p in _take_with_ties(eligible, red_size)}
    return {**{g: RED for g in red}, **{g: BLACK for g in black}}


def rank_round(groups: Iterable[GroupRef], inspections: Iterable[CountedInspection], *,
               m: float = 2.0, red_size: int | None = None, black_size: int | None = None,
               previous_ranks: Mapping | None = None,
               precision: int = DEFAULT_PRECISION) -> Ranking:
    """Rank a round's groups from their counted inspections, on WR as shown with
    `precision` decimals."""
    if m < 0:
        raise ValueError("m must be ≥ 0")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}")
    refs = {}
    for ref in groups:
        refs.setdefault(ref.group_id, ref)
    by_group = defaultdict(list)
    for inspection in inspections:
        if inspection.group_id in refs and counts(inspection.score):
            by_group[inspection.group_id].append(inspection)
    not_inspected = sorted((r for g, r in refs.items() if g not in by_group),
                           key=lambda r: (r.village, r.name, r.group_id))
    stats = [_group_stats(refs[g], found) for g, found in by_group.items()]
    default_red, default_black = default_list_sizes(len(stats))
    red_size = default_red if red_size is None else red_size
    black_size = default_black if black_size is None else black_size
    if not stats:
        return Ranking([], not_inspected, None, red_size, black_size, precision)
    mean_raw = _mean(s.raw for s in stats)
    for s in stats:
        s.weighted = (s.inspections * s.raw + m * mean_raw) / (s.inspections + m)
        s.shown = shown_score(s.weighted, precision)
    placed = assign_ranks(stats)
    listed = draw_lists(placed, red_size, black_size)
    previous_ranks = previous_ranks or {}
    ranked = [_ranked_group(p, listed.get(p.stats.ref.group_id), previous_ranks)
              for p in placed]
    return Ranking(ranked, not_inspected, mean_raw, red_size, black_size, precision)


def _ranked_group(place: Place, listed, previous_ranks) -> RankedGroup:
    s, rank = place.stats, place.rank
    previous = previous_ranks.get(s.ref.group_id)
    return RankedGroup(
        group_id=s.ref.group_id, village=s.ref.village, name=s.ref.name, rank=rank,
        score=s.weighted, shown_score=s.shown, tie_break=place.tie_break, raw_score=s.raw, inspections=s.inspections,
        inspectors=s.inspectors, low_confidence=s.inspections == 1,
        veto=s.veto_count > 0, list=listed, reasons=largest_deductions(s.deductions),
        change=None if previous is None else previous - rank,
    )
