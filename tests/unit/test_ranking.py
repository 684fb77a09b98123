"""The ranking rule (domain.md, "Merging into rankings"), with numbers worked by hand."""
import random

import pytest

from sync.ranking import (CountedInspection, GroupRef, Ranking, default_list_sizes,
                          rank_round, reason_text, shown_score)
from sync.rubric import DEFAULT_RUBRIC, Deduction, InspectionScore, score_inspection, score_text

_ids = iter(range(1, 10**6))


def counted(group, total, inspector=None, *, veto=False, scores=None, deductions=()):
    """One counted inspection; each gets its own inspector unless one is named."""
    number = next(_ids)
    score = InspectionScore(total, scores or {}, veto, tuple(deductions))
    return CountedInspection(f"i{number}", group, inspector or 1000 + number, score)


def scored(group, criteria, inspector=None, void=frozenset()):
    number = next(_ids)
    score = score_inspection(DEFAULT_RUBRIC, criteria, void)
    return CountedInspection(f"i{number}", group, inspector or 1000 + number, score)


def refs(*names, village="曼短村"):
    return [GroupRef(i, village, name) for i, name in enumerate(names, start=1)]


def by_name(ranking: Ranking):
    return {g.name: g for g in ranking.groups}


def wr(v, r, c, m=2):
    return (v * r + m * c) / (v + m)


def test_one_inspector_twice_counts_once():
    groups = refs("A", "B")
    ranking = rank_round(groups, [
        counted(1, 90.0, inspector=1), counted(1, 70.0, inspector=1),   # inspector 1: mean 80
        counted(1, 100.0, inspector=2),
        counted(2, 80.0, inspector=3), counted(2, 80.0, inspector=3),
    ])
    a, b = by_name(ranking)["A"], by_name(ranking)["B"]
    assert a.raw_score == 90.0             # (80 + 100) / 2, not (90 + 70 + 100) / 3
    assert (a.inspections, a.inspectors) == (3, 2)
    assert (b.raw_score, b.inspections, b.inspectors) == (80.0, 2, 1)
    c = (90 + 80) / 2
    assert a.score == pytest.approx(wr(3, 90, c)) == pytest.approx(88.0)
    assert b.score == pytest.approx(wr(2, 80, c)) == pytest.approx(82.5)
    assert ranking.mean_raw_score == 85.0
    assert [(g.name, g.rank) for g in ranking.groups] == [("A", 1), ("B", 2)]


def test_a_single_inspection_is_shrunk_toward_the_mean():
    groups = refs("X", "Y", "Z")
    ranking = rank_round(groups, [counted(1, 100.0)] + [counted(2, 97.0) for _ in range(5)]
                         + [counted(3, 80.0), counted(3, 80.0)])
    c = (100 + 97 + 80) / 3
    x, y, z = (by_name(ranking)[n] for n in "XYZ")
    assert x.score == pytest.approx(wr(1, 100, c))    # 94.89: a perfect visit, but only one
    assert y.score == pytest.approx(wr(5, 97, c))     # 95.67
    assert z.score == pytest.approx(wr(2, 80, c))     # 86.17
    assert [g.name for g in ranking.groups] == ["Y", "X", "Z"]
    assert x.low_confidence and not y.low_confidence and not z.low_confidence
    # 3 ranked groups: red 3, black 2; the black list is drawn first.
    assert (y.list, x.list, z.list) == ("red", "black", "black")


def test_m_is_configurable():
    ranking = rank_round(refs("A", "B"), [counted(1, 90.0), counted(2, 70.0)], m=0)
    assert [g.score for g in ranking.groups] == [90.0, 70.0]
    with pytest.raises(ValueError):
        rank_round(refs("A"), [], m=-1)


def test_equal_scores_share_a_place_competition_style():
    ranking = rank_round(refs("A", "C", "B", "D"),
                         [counted(1, 95.0), counted(2, 90.0), counted(3, 90.0), counted(4, 80.0)])
    assert [(g.name, g.rank) for g in ranking.groups] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]


def test_scores_that_show_the_same_tie_and_those_that_show_apart_do_not():
    close = rank_round(refs("A", "B"), [counted(1, 90.0), counted(2, 90.04)], m=0)
    assert [(g.rank, g.shown_score, g.tie_break) for g in close.groups] == [
        (1, 90.0, None), (1, 90.0, None)]
    apart = rank_round(refs("A", "B"), [counted(1, 90.0), counted(2, 90.06)], m=0)
    assert [(g.name, g.rank, g.shown_score) for g in apart.groups] == [
        ("B", 1, 90.1), ("A", 2, 90.0)]


@pytest.mark.parametrize("score, precision, shown", [
    (89.64, 1, 89.6), (89.56, 1, 89.6), (89.65, 1, 89.7), (96.25, 1, 96.3), (89.75, 1, 89.8),
    (89.625, 2, 89.63), (89.644, 2, 89.64), (0.125, 2, 0.13), (100.0, 1, 100.0),
    # of the exact binary value, as the pages and the phone round: 89.55 is 89.5499…
    (89.55, 1, 89.5)])
def test_shown_scores_round_half_up(score, precision, shown):
    assert shown_score(score, precision) == shown
    assert f"{shown:.{precision}f}" == (score_text(score) if precision == 1
                                        else f"{shown:.2f}")


def test_equal_shown_scores_go_to_the_tie_breaks_and_say_which_decided():
    """The November poster: 89.64 and 89.56 both show 89.6; the digits behind the shown
    one decide nothing, the tie-breaks do, and the result says which."""
    def at(group, total, *, veto=False, collection=10.0):
        return counted(group, total, veto=veto,
                       scores={"collection": collection, "toilets": 10.0})
    ranking = rank_round(refs("曼短一组", "曼真八组", "曼么二组", "曼么三组"), [
        at(1, 89.56), at(2, 89.64, collection=8.0), at(3, 89.6, veto=True), at(4, 70.0)],
        m=0, red_size=0, black_size=0)
    assert [(g.name, g.shown_score, g.rank, g.tie_break) for g in ranking.groups] == [
        ("曼短一组", 89.6, 1, None),          # the higher collection + toilets subtotal
        ("曼真八组", 89.6, 2, "subtotal"),    # a higher score, but shown the same
        ("曼么二组", 89.6, 3, "veto"),
        ("曼么三组", 70.0, 4, None)]
    assert ranking.precision == 1


def test_a_precision_of_two_decimals_parts_what_one_decimal_ties():
    ranking = rank_round(refs("A", "B"), [counted(1, 89.56), counted(2, 89.64)], m=0,
                         precision=2)
    assert [(g.name, g.rank, g.shown_score, g.tie_break) for g in ranking.groups] == [
        ("B", 1, 89.64, None), ("A", 2, 89.56, None)]
    with pytest.raises(ValueError):
        rank_round(refs("A"), [], precision=3)


def test_red_reads_the_shown_score():
    # 84.96 shows 85.0: a list that showed 85.0 and refused Red would need a reason.
    ranking = rank_round(refs("A"), [counted(1, 84.96)], m=0, red_size=1, black_size=0)
    assert (ranking.groups[0].shown_score, ranking.groups[0].list) == (85.0, "red")


def test_tie_broken_by_fewer_vetoed_inspections():
    ranking = rank_round(refs("Alpha", "Beta"),
                         [counted(1, 90.0, veto=True), counted(2, 90.0)])
    assert [(g.name, g.rank, g.veto) for g in ranking.groups] == [
        ("Beta", 1, False), ("Alpha", 2, True)]


def test_tie_broken_by_collection_and_toilets_subtotal():
    ranking = rank_round(refs("Alpha", "Beta"), [
        scored(1, {"collection": {"deductions": {"bins": 2}},            # 96, subtotal 10+10
                   "toilets": {"deductions": {"toilet_broken": 1}}}),
        scored(2, {"roads": {"deductions": {"road_damaged": 4}}}),       # 96, subtotal 12+12
    ])
    assert [(g.name, g.rank, g.raw_score) for g in ranking.groups] == [
        ("Beta", 1, 96.0), ("Alpha", 2, 96.0)]


def test_subtotal_tie_break_uses_the_mean_over_inspections():
    def at_96(group, collection, toilets):
        return counted(group, 96.0, scores={"collection": collection, "toilets": toilets})
    alpha = [at_96(1, 10.0, 10.0), at_96(1, 10.0, 10.0)]             # mean subtotal 20
    beta = [at_96(2, 12.0, 12.0), at_96(2, 6.0, 12.0)]               # mean subtotal 21
    ranking = rank_round(refs("Alpha", "Beta"), alpha + beta)
    assert [(g.name, g.rank) for g in ranking.groups] == [("Beta", 1), ("Alpha", 2)]


def test_a_veto_group_is_black_and_never_red_with_the_veto_first_in_its_reason():
    veto_deductions = (Deduction("collection", "bins", 2, 2.0),
                       Deduction("collection", "open_burning", 1, 0.0, True))
    groups = refs("V", "A", "B", "C", "D", "E")
    ranking = rank_round(groups, [
        counted(1, 99.0, veto=True, deductions=veto_deductions),
        counted(2, 97.0), counted(3, 96.0), counted(4, 95.0), counted(5, 70.0), counted(6, 60.0),
    ])
    c = (99 + 97 + 96 + 95 + 70 + 60) / 6
    v = by_name(ranking)["V"]
    assert (v.rank, v.veto, v.list) == (1, True, "black")
    assert v.score == pytest.approx(wr(1, 99, c))
    assert v.reasons == [{"criterion": "collection", "item": "open_burning", "count": 1},
                         {"criterion": "collection", "item": "bins", "count": 2}]
    assert reason_text(v.reasons, {("collection", "open_burning"): "open burning"}) == \
        "open burning ×1, bins ×2"
    assert {g.name: g.list for g in ranking.groups} == {
        "V": "black", "A": "red", "B": "red", "C": "red", "D": "black", "E": "black"}


def test_red_needs_a_weighted_score_of_85():
    groups = refs("A", "B", "C", "D", "E")
    inspections = [counted(g, total) for g, total in
                   ((1, 95.0), (2, 86.0), (3, 84.0), (4, 70.0), (5, 60.0)) for _ in range(4)]
    ranking = rank_round(groups, inspections)
    c = (95 + 86 + 84 + 70 + 60) / 5                      # 79
    b = by_name(ranking)["B"]
    assert b.raw_score == 86.0 and b.score == pytest.approx(wr(4, 86, c))   # 83.67 < 85
    assert {g.name: g.list for g in ranking.groups} == {
        "A": "red", "B": None, "C": None, "D": "black", "E": "black"}


def test_exactly_85_is_enough_for_red():
    ranking = rank_round(refs("A"), [counted(1, 85.0)], red_size=1, black_size=0)
    assert ranking.groups[0].list == "red"


@pytest.mark.parametrize("n, sizes", [(0, (3, 2)), (5, (3, 2)), (20, (3, 2)), (21, (4, 3)),
                                      (30, (5, 3)), (100, (15, 10)), (101, (16, 11))])
def test_default_list_sizes(n, sizes):
    assert default_list_sizes(n) == sizes


def test_small_round_of_five_lists_everyone():
    ranking = rank_round(refs("A", "B", "C", "D", "E"),
                         [counted(g, t) for g, t in enumerate((100.0, 98.0, 96.0, 94.0, 92.0), 1)])
    assert (ranking.red_size, ranking.black_size) == (3, 2)
    assert [(g.name, g.rank, g.list) for g in ranking.groups] == [
        ("A", 1, "red"), ("B", 2, "red"), ("C", 3, "red"), ("D", 4, "black"), ("E", 5, "black")]
    assert by_name(ranking)["E"].score == pytest.approx((92 + 2 * 96) / 3)


def test_large_round_of_a_hundred():
    groups = [GroupRef(i, "村", f"G{i:03d}") for i in range(100)]
    # Two decimals: at one, WRs a thirtieth of a point apart would show the same.
    ranking = rank_round(groups, [counted(i, 100.0 - 0.1 * i) for i in range(100)],
                         precision=2)
    assert [g.rank for g in ranking.groups] == list(range(1, 101))
    assert [g.group_id for g in ranking.groups] == list(range(100))
    assert [g.group_id for g in ranking.groups if g.list == "red"] == list(range(15))
    assert [g.group_id for g in ranking.groups if g.list == "black"] == list(range(90, 100))


def test_groups_sharing_a_place_at_a_list_edge_are_all_listed():
    names = "abcdefgh"
    totals = (98.0, 97.0, 96.0, 96.0, 90.0, 70.0, 70.0, 60.0)
    ranking = rank_round(refs(*names), [counted(g, t) for g, t in enumerate(totals, 1)])
    assert [(g.name, g.rank, g.list) for g in ranking.groups] == [
        ("a", 1, "red"), ("b", 2, "red"), ("c", 3, "red"), ("d", 3, "red"), ("e", 5, None),
        ("f", 6, "black"), ("g", 6, "black"), ("h", 8, "black")]


def test_all_groups_tied_all_share_the_black_edge():
    ranking = rank_round(refs(*"ABCDE"), [counted(g, 90.0) for g in range(1, 6)])
    assert {(g.rank, g.list) for g in ranking.groups} == {(1, "black")}


def test_fewer_groups_than_the_list_sizes():
    ranking = rank_round(refs("A", "B"), [counted(1, 95.0), counted(2, 90.0)])
    assert [g.list for g in ranking.groups] == ["black", "black"]
    ranking = rank_round(refs("A", "B"), [counted(1, 95.0), counted(2, 90.0)],
                         red_size=1, black_size=1)
    assert [g.list for g in ranking.groups] == ["red", "black"]
    ranking = rank_round(refs("A", "B"), [counted(1, 95.0), counted(2, 90.0)],
                         red_size=0, black_size=0)
    assert [g.list for g in ranking.groups] == [None, None]


def test_na_criteria_rescale_the_inspection_total():
    ranking = rank_round(refs("A"), [scored(1, {"toilets": {"na": True},
                                                "collection": {"deductions": {"bins": 6}}})])
    assert ranking.groups[0].raw_score == pytest.approx(100 * 82 / 88)


def test_a_void_deduction_raises_the_score():
    dirty_roads = {"roads": {"deductions": {"road_dirty": 2}}}            # 98
    bins = {"collection": {"deductions": {"bins": 4}}}                    # 96, or 100 if void
    before = rank_round(refs("P", "R"), [scored(1, bins), scored(2, dirty_roads)])
    after = rank_round(refs("P", "R"), [scored(1, bins, void={("collection", "bins")}),
                                        scored(2, dirty_roads)])
    assert by_name(before)["P"].raw_score == 96.0 and by_name(before)["P"].rank == 2
    assert by_name(after)["P"].raw_score == 100.0 and by_name(after)["P"].rank == 1
    assert by_name(after)["P"].reasons == []


def test_groups_without_a_scored_inspection_are_not_inspected():
    groups = [GroupRef(1, "曼短村", "一组"), GroupRef(2, "曼迈村", "三组"),
              GroupRef(3, "曼短村", "二组"), GroupRef(4, "曼短村", "四组")]
    all_na = {c["key"]: {"na": True} for c in DEFAULT_RUBRIC["criteria"]}
    ranking = rank_round(groups, [counted(1, 90.0), scored(4, all_na), counted(99, 50.0)])
    assert [g.name for g in ranking.groups] == ["一组"]
    assert ranking.groups[0].raw_score == 90.0
    assert ranking.not_inspected == [groups[2], groups[3], groups[1]]   # by village, name


def test_nothing_inspected_at_all():
    ranking = rank_round(refs("A"), [])
    assert ranking.groups == [] and ranking.mean_raw_score is None
    assert [g.name for g in ranking.not_inspected] == ["A"]


def test_change_from_the_previous_round():
    ranking = rank_round(refs("A", "B", "C"), [counted(1, 95.0), counted(2, 90.0),
                                               counted(3, 85.0)],
                         previous_ranks={1: 3, 2: 1})
    assert [(g.name, g.change) for g in ranking.groups] == [("A", 2), ("B", -1), ("C", None)]


def test_reason_sums_deductions_over_inspections_largest_first():
    labels = {("collection", "bins"): "bin overflowing",
              ("toilets", "open_pit"): "open manure pit"}
    ranking = rank_round(refs("A", "B"), [
        counted(1, 95.0, deductions=(Deduction("collection", "bins", 2, 2.0),
                                     Deduction("toilets", "open_pit", 1, 3.0))),
        counted(1, 96.0, deductions=(Deduction("collection", "bins", 1, 1.0),
                                     Deduction("roads", "road_damaged", 2, 2.0),
                                     Deduction("collection", "litter", 1, 1.0))),
        counted(2, 100.0),
    ])
    assert by_name(ranking)["A"].reasons == [
        {"criterion": "collection", "item": "bins", "count": 3},
        {"criterion": "toilets", "item": "open_pit", "count": 1},
        {"criterion": "roads", "item": "road_damaged", "count": 2}]
    assert reason_text(by_name(ranking)["A"].reasons, labels) == (
        "bin overflowing ×3, open manure pit ×1, road_damaged ×2")
    assert reason_text(by_name(ranking)["A"].reasons, labels, "，") == (
        "bin overflowing ×3，open manure pit ×1，road_damaged ×2")
    assert by_name(ranking)["B"].reasons == []
    assert reason_text(by_name(ranking)["B"].reasons, labels) == ""


def test_equal_deductions_are_listed_by_key_whatever_the_labels_say():
    # the reason lists the same items in the same order in every language
    ranking = rank_round(refs("A"), [counted(1, 95.0, deductions=(
        Deduction("roads", "road_dirty", 1, 1.0), Deduction("greening", "fences", 1, 1.0),
        Deduction("collection", "litter", 1, 1.0), Deduction("toilets", "open_pit", 1, 3.0)))])
    assert [(r["criterion"], r["item"]) for r in ranking.groups[0].reasons] == [
        ("toilets", "open_pit"), ("collection", "litter"), ("greening", "fences")]


def test_the_result_does_not_depend_on_input_order():
    totals = (98.0, 97.0, 96.0, 96.0, 90.0, 70.0, 70.0, 60.0, 91.3, 88.8)
    groups = refs(*"abcdefghij")
    inspections = [counted(g, t - k * 0.7, inspector=k % 3 + 1)
                   for g, t in enumerate(totals, 1) for k in range(3)]
    expected = rank_round(groups, inspections)
    shuffle = random.Random(7).shuffle
    for _ in range(5):
        shuffle(groups)
        shuffle(inspections)
        assert rank_round(groups, inspections) == expected
