"""The combined result of published rounds (domain.md, "Combined results"), worked by hand."""
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.combined import PublishedRound, combine_rounds
from sync.ranking import BLACK, RED, RED_MIN_SCORE, TIE_EPSILON
from tests.support.strategies import PROPERTIES


def entry(group_id, score, veto=False, reasons=()):
    """A ranked group as a published snapshot holds it."""
    return {"group_id": group_id, "score": score, "veto": veto,
            "reasons": [{"criterion": c, "item": i, "count": n} for c, i, n in reasons]}


def rounds(*scores_by_round, vetoes=()):
    """One PublishedRound per {group_id: WR}; `vetoes`: (round index, group id) pairs."""
    return [PublishedRound([entry(g, s, veto=(n, g) in vetoes) for g, s in scores.items()])
            for n, scores in enumerate(scores_by_round)]


def by_id(combined):
    return {g.group_id: g for g in combined.groups}


def places(combined):
    return [(g.group_id, g.rank) for g in combined.groups]


def test_mean_over_the_rounds_a_group_was_ranked_in():
    combined = combine_rounds(rounds({1: 80.0, 2: 70.0, 3: 91.0}, {1: 90.0, 3: 89.0}))
    one, two, three = (by_id(combined)[g] for g in (1, 2, 3))
    assert (one.score, one.rounds, one.partial) == (85.0, 2, False)
    assert (two.score, two.rounds, two.partial) == (70.0, 1, True)
    assert (three.score, three.rounds, three.partial) == (90.0, 2, False)
    assert places(combined) == [(3, 1), (1, 2), (2, 3)]


def test_equal_scores_go_to_fewer_vetoed_rounds_then_share_the_place():
    # Every mean is 80 to within float noise (0.1 + 0.2 style sums), four groups tie.
    combined = combine_rounds(rounds(
        {1: 79.9, 2: 80.0, 3: 80.0, 4: 80.0, 5: 60.0},
        {1: 80.1, 2: 80.0, 3: 80.0, 4: 80.0 + TIE_EPSILON / 10},
        {1: 80.0, 2: 80.0, 3: 80.0, 4: 80.0}, vetoes={(0, 2), (1, 2), (2, 3)}))
    assert places(combined) == [(1, 1), (4, 1), (3, 3), (2, 4), (5, 5)]


def test_ranks_are_competition_style():
    combined = combine_rounds(rounds({1: 90.0, 2: 90.0, 3: 90.0, 4: 70.0}))
    assert [g.rank for g in combined.groups] == [1, 1, 1, 4]


def test_names_order_a_shared_place():
    combined = combine_rounds(rounds({1: 90.0, 2: 90.0}), names={1: "二组", 2: "一组"})
    assert places(combined) == [(2, 1), (1, 1)]


def test_a_veto_in_any_round_puts_a_group_on_the_black_list():
    # Group 1 has the best mean but a veto in one round: Black, never Red.
    combined = combine_rounds(rounds({g: 95.0 - g for g in range(1, 11)},
                                     {g: 95.0 - g for g in range(1, 11)}, vetoes={(1, 1)}))
    groups = by_id(combined)
    assert groups[1].rank == 1 and groups[1].veto and groups[1].list == BLACK
    assert [g for g, e in groups.items() if e.list == BLACK] == [1, 9, 10]
    assert [g for g, e in groups.items() if e.list == RED] == [2, 3, 4]


def test_red_needs_85_and_no_veto():
    combined = combine_rounds(rounds({1: 90.0, 2: 80.0, 3: 84.0, 4: 70.0, 5: 60.0, 6: 50.0},
                                     {1: 80.0, 2: 90.0, 3: 85.8, 4: 70.0, 5: 60.0, 6: 50.0}))
    groups = by_id(combined)
    assert groups[1].score == groups[2].score == 85.0
    assert (groups[3].score, groups[3].shown_score) == (pytest.approx(84.9), 84.9)
    assert {g for g, e in groups.items() if e.list == RED} == {1, 2}   # 3 misses 85
    assert {g for g, e in groups.items() if e.list == BLACK} == {5, 6}


def test_noise_below_85_does_not_cost_a_red_place():
    combined = combine_rounds(rounds({1: 85.1, 2: 50.0, 3: 40.0}, {1: 84.9, 2: 50.0, 3: 40.0}))
    assert by_id(combined)[1].score == pytest.approx(RED_MIN_SCORE)
    assert by_id(combined)[1].list == RED


def test_equal_shown_scores_tie_and_a_veto_decides_with_its_note():
    # 89.64 and 89.56 both show 89.6 at one decimal: a tie, which vetoed rounds break.
    combined = combine_rounds(rounds({1: 89.64, 2: 89.56, 3: 89.6, 4: 70.0},
                                     {1: 89.64, 2: 89.56, 3: 89.6, 4: 70.0},
                                     vetoes={(0, 1)}), red_size=0, black_size=0)
    assert [(g.group_id, g.shown_score, g.rank, g.tie_break) for g in combined.groups] == [
        (2, 89.6, 1, None), (3, 89.6, 1, None), (1, 89.6, 3, "veto"), (4, 70.0, 4, None)]
    two = combine_rounds(rounds({1: 89.64, 2: 89.56}), precision=2)
    assert [(g.group_id, g.shown_score, g.rank) for g in two.groups] == [
        (1, 89.64, 1), (2, 89.56, 2)]
    assert two.precision == 2


def test_default_sizes_come_from_the_number_of_groups_ranked():
    # 30 groups in one round, 10 more in the other: 40 ranked → red 6, black 4.
    first = {g: 50.0 + g for g in range(1, 31)}
    second = {g: 50.0 + g for g in range(31, 41)}
    combined = combine_rounds(rounds(first, second))
    assert (combined.red_size, combined.black_size) == (6, 4)
    groups = by_id(combined)
    assert sorted(g for g, e in groups.items() if e.list == BLACK) == [1, 2, 3, 4]
    assert sorted(g for g, e in groups.items() if e.list == RED) == [35, 36, 37, 38, 39, 40]
    assert all(e.partial for e in groups.values())


def test_given_sizes_are_used():
    combined = combine_rounds(rounds({g: 80.0 + g for g in range(1, 11)}),
                              red_size=1, black_size=0)
    assert [(e.group_id, e.list) for e in combined.groups if e.list] == [(10, RED)]


def test_groups_sharing_a_place_at_an_edge_are_all_listed():
    combined = combine_rounds(rounds({1: 99.0, 2: 98.0, 3: 97.0, 4: 97.0, 5: 80.0, 6: 60.0,
                                      7: 60.0}), red_size=3, black_size=1)
    groups = by_id(combined)
    assert {g for g, e in groups.items() if e.list == RED} == {1, 2, 3, 4}
    assert {g for g, e in groups.items() if e.list == BLACK} == {6, 7}


def test_reasons_are_the_largest_deductions_summed_over_the_rounds():
    items = {("collection", "bins"): (2.0, False), ("roads", "road_dirty"): (1.0, False),
             ("burning", "burnt"): (5.0, True), ("toilets", "dirty"): (0.5, False)}
    first = PublishedRound([entry(1, 80.0, reasons=[("roads", "road_dirty", 3),
                                                    ("collection", "bins", 1),
                                                    ("toilets", "dirty", 4)])], items)
    second = PublishedRound([entry(1, 70.0, veto=True, reasons=[("burning", "burnt", 1),
                                                                ("roads", "road_dirty", 2)])],
                            items)
    [group] = combine_rounds([first, second]).groups
    # the veto item first, then road_dirty 5 points, bins 2, toilets 2 (cut: three items)
    assert group.reasons == [{"criterion": "burning", "item": "burnt", "count": 1},
                             {"criterion": "roads", "item": "road_dirty", "count": 5},
                             {"criterion": "collection", "item": "bins", "count": 1}]


def test_a_snapshot_without_reasons_as_data_still_ranks():
    old = {"group_id": 1, "score": 88.0, "veto": False, "reason": "垃圾桶满溢 ×2"}
    [group] = combine_rounds([PublishedRound([old]), PublishedRound([entry(1, 90.0)])]).groups
    assert (group.score, group.rounds, group.reasons) == (89.0, 2, [])


def test_nothing_ranked():
    combined = combine_rounds(rounds({}, {}))
    assert combined.groups == [] and (combined.red_size, combined.black_size) == (3, 2)


SCORES = st.sampled_from([60.0, 80.0, 84.9, 84.96, 85.0, 89.56, 89.64, 90.0,
                          90.0 + TIE_EPSILON / 2, 100.0])
ROUNDS = st.lists(st.dictionaries(st.integers(1, 8), st.tuples(SCORES, st.booleans()),
                                  max_size=8), min_size=1, max_size=4)
SIZES = st.one_of(st.none(), st.integers(0, 4))


def published(drawn):
    return [PublishedRound([entry(g, s, veto=v) for g, (s, v) in found.items()])
            for found in drawn]


@PROPERTIES
@given(ROUNDS, SIZES, SIZES, st.randoms(use_true_random=False))
def test_the_order_of_rounds_and_groups_does_not_matter(drawn, red, black, rng: random.Random):
    shuffled = [list(r.groups) for r in published(drawn)]
    for groups in shuffled:
        rng.shuffle(groups)
    rng.shuffle(shuffled)
    assert combine_rounds([PublishedRound(g) for g in shuffled], red_size=red,
                          black_size=black) == combine_rounds(published(drawn), red_size=red,
                                                              black_size=black)


@PROPERTIES
@given(ROUNDS, SIZES, SIZES)
def test_lists_follow_the_rule(drawn, red, black):
    combined = combine_rounds(published(drawn), red_size=red, black_size=black)
    ranks = [g.rank for g in combined.groups]
    assert ranks == sorted(ranks) and all(r == n + 1 or r == ranks[n - 1]
                                          for n, r in enumerate(ranks))
    for g in combined.groups:
        assert g.list != RED or (g.shown_score >= RED_MIN_SCORE and not g.veto)
        assert not g.veto or g.list == BLACK
        assert g.partial == (g.rounds < len(drawn))
    for better, worse in zip(combined.groups, combined.groups[1:]):
        assert better.shown_score >= worse.shown_score
        if worse.tie_break is not None:      # only a tie-break parts equal shown scores
            assert worse.tie_break == "veto" and worse.shown_score == better.shown_score
    reds = [g for g in combined.groups if g.list == RED]
    assert len({g.rank for g in reds}) <= combined.red_size
