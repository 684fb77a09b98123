"""Properties of the ranking rule (domain.md, "Merging into rankings"): competition
ranks in score order with the documented tie-breaks, and the Red and Black Lists."""
import math
import random
from collections import defaultdict
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.ranking import (BLACK, RED, RED_MIN_SCORE, TIE_EPSILON, CountedInspection, GroupRef,
                          default_list_sizes, rank_round, shown_score)
from sync.rubric import (EACH, TIE_BREAK_CRITERIA, InspectionScore, item_index,
                         score_inspection)
from tests.support.strategies import COSTLY_PROPERTIES, PROPERTIES, item_keys, rubrics

VILLAGES = st.sampled_from(["曼短村", "曼么村"])
NAMES = st.sampled_from(["一组", "二组", "三组"])        # shared names: the id breaks the tie
PICK = st.integers(0, 63)                               # an index into a rubric's keys
# Few deductions, so that many inspections score the same and many score above 85.
FOUND = st.lists(st.tuples(PICK, st.integers(1, 4)), max_size=3)
NOT_APPLICABLE = st.sets(PICK, max_size=2)
LIST_SIZES = st.one_of(st.none(), st.integers(0, 4))


@st.composite
def findings(draw, rubric):
    """The criteria one inspector recorded: a few deductions, maybe an N/A criterion."""
    keys, index = item_keys(rubric), item_index(rubric)
    criteria = {}
    for pick, count in draw(FOUND) if keys else ():
        key, item = keys[pick % len(keys)]
        once = index[(key, item)]["kind"] != EACH
        criteria.setdefault(key, {"deductions": {}})["deductions"][item] = 1 if once else count
    for pick in draw(NOT_APPLICABLE):
        key = rubric["criteria"][pick % len(rubric["criteria"])]["key"]
        criteria.setdefault(key, {})["na"] = True
    return criteria


@st.composite
def rounds(draw):
    """(groups, counted inspections) of one round; some inspections name an unknown group
    and, on a one-criterion rubric, some have no total (every criterion N/A)."""
    rubric = draw(rubrics)
    groups = [GroupRef(g, draw(VILLAGES), draw(NAMES)) for g in range(1, draw(st.integers(0, 8)) + 1)]
    # Inspections draw their score from a few results, so equal scores are common.
    results = [score_inspection(rubric, draw(findings(rubric)))
               for _ in range(draw(st.integers(1, 4)))]
    inspections = [
        CountedInspection(f"i{n}", draw(st.integers(1, len(groups) + 1)),
                          draw(st.integers(1, 3)), draw(st.sampled_from(results)))
        for n in range(draw(st.integers(0, 16)))]
    return groups, inspections


def counted_by_group(groups, inspections) -> dict:
    known = {g.group_id for g in groups}
    found = defaultdict(list)
    for i in inspections:
        if i.group_id in known and i.score.total is not None:
            found[i.group_id].append(i)
    return found


def mean(values):
    values = list(values)
    return math.fsum(values) / len(values)


def raw_score(inspections) -> float:
    """R: each inspector's inspections averaged first, then across inspectors."""
    by_inspector = defaultdict(list)
    for i in inspections:
        by_inspector[i.inspector_id].append(i.score.total)
    return mean(mean(totals) for totals in by_inspector.values())


def tie_keys(inspections) -> tuple:
    """(vetoed inspections, mean collection + toilets subtotal): the tie-breaks."""
    return (sum(1 for i in inspections if i.score.veto),
            mean(i.score.subtotal(TIE_BREAK_CRITERIA) for i in inspections))


@COSTLY_PROPERTIES
@given(rounds())
def test_every_inspected_group_is_ranked_once_and_the_others_listed_apart(round_):
    groups, inspections = round_
    ranking = rank_round(groups, inspections)
    found = counted_by_group(groups, inspections)
    ranked = [g.group_id for g in ranking.groups]
    assert len(ranked) == len(set(ranked))
    assert set(ranked) == set(found)
    apart = [g.group_id for g in ranking.not_inspected]
    assert set(apart) == {g.group_id for g in groups} - set(found)
    assert ranking.not_inspected == sorted(ranking.not_inspected,
                                           key=lambda r: (r.village, r.name, r.group_id))


@COSTLY_PROPERTIES
@given(rounds(), st.sampled_from([1, 2]))
def test_ranks_are_competition_ranks_in_score_order_with_the_documented_tie_breaks(
        round_, ranking_precision):
    groups, inspections = round_
    ranked = rank_round(groups, inspections, precision=ranking_precision).groups
    found = counted_by_group(groups, inspections)
    for place, group in enumerate(ranked):
        # Competition style: a place is shared, and the next one skips (1, 1, 3).
        assert group.rank == place + 1 or group.rank == ranked[place - 1].rank
    for group in ranked:
        assert group.shown_score == shown_score(group.score, ranking_precision)
    for better, worse in zip(ranked, ranked[1:]):
        # Ranked as shown: the digits behind the shown score decide nothing.
        assert better.shown_score >= worse.shown_score
    for a in ranked:
        for b in ranked:
            if a.rank >= b.rank or a.shown_score != b.shown_score:
                continue
            # a ahead of b with the same shown score: a has fewer vetoes, or the same and
            # a higher collection + toilets mean; b says which rule put it below.
            (a_vetoes, a_sub), (b_vetoes, b_sub) = tie_keys(found[a.group_id]), \
                tie_keys(found[b.group_id])
            assert a_vetoes < b_vetoes or (a_vetoes == b_vetoes and a_sub > b_sub + TIE_EPSILON)
            assert b.tie_break in ("veto", "subtotal")
    for group in ranked:
        best = min(g.rank for g in ranked if g.shown_score == group.shown_score)
        # No tie-break named for a group that shares the best place of its shown score.
        assert (group.tie_break is None) == (group.rank == best)
    for a, b in zip(ranked, ranked[1:]):
        if a.rank == b.rank:     # a shared place: same score, same tie-breaks, by name
            (a_vetoes, a_sub), (b_vetoes, b_sub) = tie_keys(found[a.group_id]), \
                tie_keys(found[b.group_id])
            assert a.shown_score == b.shown_score and a_vetoes == b_vetoes
            assert abs(a_sub - b_sub) <= TIE_EPSILON
            assert (a.name, a.group_id) < (b.name, b.group_id)


@COSTLY_PROPERTIES
@given(rounds(), st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_its_inputs(round_, rng: random.Random):
    groups, inspections = round_
    shuffled_groups, shuffled_inspections = list(groups), list(inspections)
    rng.shuffle(shuffled_groups)
    rng.shuffle(shuffled_inspections)
    assert rank_round(shuffled_groups, shuffled_inspections) == rank_round(groups, inspections)


@COSTLY_PROPERTIES
@given(rounds(), st.sampled_from([0.0, 0.5, 2.0, 5.0]))
def test_scores_average_each_inspector_first_and_stay_within_0_and_100(round_, m):
    groups, inspections = round_
    ranking = rank_round(groups, inspections, m=m)
    found = counted_by_group(groups, inspections)
    if not found:
        assert ranking.groups == [] and ranking.mean_raw_score is None
        return
    c = mean(raw_score(found[g]) for g in found)
    assert ranking.mean_raw_score == pytest.approx(c, abs=1e-9)
    for group in ranking.groups:
        mine = found[group.group_id]
        r, v = raw_score(mine), len(mine)
        assert group.raw_score == pytest.approx(r, abs=1e-9)
        assert group.score == pytest.approx((v * r + m * c) / (v + m), abs=1e-9)
        assert 0.0 <= group.raw_score <= 100.0 and 0.0 <= group.score <= 100.0
        assert group.inspections == v
        assert group.inspectors == len({i.inspector_id for i in mine})
        assert group.low_confidence == (v == 1)
        assert group.veto == any(i.score.veto for i in mine)


@COSTLY_PROPERTIES
@given(rounds(), st.data())
def test_one_inspector_visiting_twice_does_not_count_double(round_, data):
    groups, inspections = round_
    found = counted_by_group(groups, inspections)
    if not found:
        return
    group_id = data.draw(st.sampled_from(sorted(found)), label="group")
    inspector = data.draw(st.sampled_from(sorted({i.inspector_id for i in found[group_id]})),
                          label="inspector")
    # The same inspector goes again and finds exactly the same things each time.
    again = [CountedInspection(f"{i.inspection_id}-again", i.group_id, i.inspector_id, i.score)
             for i in found[group_id] if i.inspector_id == inspector]
    before = rank_round(groups, inspections)
    after = rank_round(groups, inspections + again)
    assert after.mean_raw_score == before.mean_raw_score
    old = {g.group_id: g for g in before.groups}
    for group in after.groups:
        assert group.raw_score == old[group.group_id].raw_score
        assert group.inspectors == old[group.group_id].inspectors
    visited = next(g for g in after.groups if g.group_id == group_id)
    assert visited.inspections == old[group_id].inspections + len(again)


def ceil_percent(percent: int, n: int) -> int:
    return math.ceil(Fraction(percent * n, 100))


@COSTLY_PROPERTIES
@given(rounds(), LIST_SIZES, LIST_SIZES)
def test_the_red_and_black_lists_have_the_documented_sizes_and_exclusions(round_, red_size,
                                                                          black_size):
    groups, inspections = round_
    ranking = rank_round(groups, inspections, red_size=red_size, black_size=black_size)
    ranked, n = ranking.groups, len(ranking.groups)
    red_size = max(3, ceil_percent(15, n)) if red_size is None else red_size
    black_size = max(2, ceil_percent(10, n)) if black_size is None else black_size
    assert (ranking.red_size, ranking.black_size) == (red_size, black_size)
    assert {g.list for g in ranked} <= {RED, BLACK, None}
    red = [g for g in ranked if g.list == RED]
    black = [g for g in ranked if g.list == BLACK]

    # Black: the bottom black_size, any group sharing a place with them, every veto.
    bottom = ranked[max(0, n - black_size):] if black_size else []
    bottom_ranks = {g.rank for g in bottom}
    for group in ranked:
        if group.veto or group in bottom or group.rank in bottom_ranks:
            assert group.list == BLACK
    for group in black:
        assert group.veto or group.rank in bottom_ranks

    # Red: walking down, the first red_size groups that are not black, have no veto and
    # show a score of at least 85, plus those sharing the edge.
    eligible = [g for g in ranked if g.list != BLACK and not g.veto
                and g.shown_score >= RED_MIN_SCORE]
    top = eligible[:red_size]
    top_ranks = {g.rank for g in top}
    assert red == [g for g in eligible if g in top or g.rank in top_ranks]
    for group in red:
        assert not group.veto and group.shown_score >= RED_MIN_SCORE


@PROPERTIES
@given(st.integers(0, 2000))
def test_default_list_sizes_are_15_and_10_percent_rounded_up_with_a_floor(n):
    assert default_list_sizes(n) == (max(3, ceil_percent(15, n)), max(2, ceil_percent(10, n)))


@st.composite
def equal_scores(draw):
    """Groups whose WR is the same (same total, same number of inspections), with
    random vetoes and collection + toilets subtotals: only the tie-breaks can order them."""
    visits = draw(st.integers(1, 3))
    groups, inspections = [], []
    for g in range(1, draw(st.integers(2, 6)) + 1):
        groups.append(GroupRef(g, "曼短村", draw(NAMES)))
        for n in range(visits):
            score = InspectionScore(90.0, {"collection": draw(st.sampled_from([6.0, 12.0])),
                                           "toilets": draw(st.sampled_from([8.0, 12.0]))},
                                    draw(st.booleans()))
            inspections.append(CountedInspection(f"i{g}-{n}", g, 100 * g + n, score))
    return groups, inspections


@PROPERTIES
@given(equal_scores(), st.sampled_from([0.0, 0.01, 0.04]))
def test_equal_scores_are_ordered_by_fewer_vetoes_then_the_higher_tie_subtotal(round_, step):
    """Equal shown scores: the totals differ by less than the shown digit (89.64 and
    89.56 both show 89.6), so only the tie-breaks order them, and each says which."""
    groups, inspections = round_
    # 90.0, 89.99, 89.98, ... or 90.0, 89.96, ...: all show 90.0 at one decimal.
    inspections = [
        CountedInspection(i.inspection_id, i.group_id, i.inspector_id,
                          InspectionScore(i.score.total - step * (i.group_id % 2),
                                          i.score.criterion_scores, i.score.veto))
        for i in inspections]
    ranked = rank_round(groups, inspections).groups
    found = counted_by_group(groups, inspections)
    keys = {g: (tie_keys(found[g])[0], -tie_keys(found[g])[1]) for g in found}
    best = min(keys.values())
    for group in ranked:
        # Competition rank: one more than the number of groups strictly ahead.
        ahead = sum(1 for other in keys.values() if other < keys[group.group_id])
        assert group.rank == ahead + 1
        mine = keys[group.group_id]
        assert group.tie_break == (None if mine == best else
                                   "veto" if mine[0] != best[0] else "subtotal")
