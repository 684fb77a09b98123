"""Scoring one inspection against the default rubric (domain.md, "Default rubric")."""
import re

import pytest

from sync.rubric import DEFAULT_RUBRIC, Deduction, item_labels, score_inspection

# (criterion, max, [(item, points, kind)]) copied from the domain table by hand.
TABLE = [
    ("cleaning", 10, [("no_cleaner", 4, "once"), ("rules_not_posted", 3, "once"),
                      ("no_self_check", 3, "once")]),
    ("collection", 12, [("litter", 1, "each"), ("bins", 1, "each"),
                        ("open_burning", 0, "veto")]),
    ("transfer", 8, [("point_dirty", 2, "each"), ("not_cleared", 3, "once"),
                     ("equipment_broken", 1, "each")]),
    ("treatment", 10, [("dump_site", 3, "each"), ("no_sorting", 2, "once"),
                       ("hazardous_mixed", 2, "once")]),
    ("toilets", 12, [("coverage_low", 4, "once"), ("toilet_broken", 2, "each"),
                     ("open_pit", 3, "each")]),
    ("roads", 10, [("road_damaged", 1, "each"), ("road_dirty", 1, "each"),
                   ("road_blocked", 1, "each")]),
    ("greening", 8, [("green_neglected", 1, "each"), ("graffiti", 1, "each"),
                     ("fences", 1, "each")]),
    ("campaigns", 8, [("no_cleanup_day", 3, "once"), ("mosquito_water", 1, "each"),
                      ("board_outdated", 2, "once")]),
    ("households", 12, [("clutter", 1, "each"), ("livestock", 2, "each"),
                        ("ruined_walls", 2, "each")]),
    ("protection", 10, [("polluted_water", 2, "each"), ("sewage", 2, "each"),
                        ("farm_waste", 1, "each"), ("trees_unprotected", 2, "once")]),
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def score(criteria, void=frozenset()):
    return score_inspection(DEFAULT_RUBRIC, criteria, void)


def test_default_rubric_matches_the_domain_table():
    assert DEFAULT_RUBRIC["version"] == 1
    actual = [(c["key"], c["max"], [(i["key"], i["points"], i["kind"]) for i in c["items"]])
              for c in DEFAULT_RUBRIC["criteria"]]
    assert actual == TABLE
    assert sum(c["max"] for c in DEFAULT_RUBRIC["criteria"]) == 100


def test_default_rubric_has_both_languages_and_wants_photos():
    for criterion in DEFAULT_RUBRIC["criteria"]:
        assert CJK.search(criterion["label_zh"]) and criterion["label_en"]
        for item in criterion["items"]:
            assert set(item) == {"key", "points", "kind", "label_zh", "label_en",
                                 "photo_required"}
            assert CJK.search(item["label_zh"]) and item["label_en"]
            assert item["photo_required"] is True
    assert item_labels(DEFAULT_RUBRIC, "zh")[("cleaning", "no_cleaner")] == "无专职保洁员"
    assert item_labels(DEFAULT_RUBRIC)[("toilets", "open_pit")] == "Open manure pit"


def test_clean_inspection_scores_100():
    result = score({})
    assert result.total == 100.0
    assert result.veto is False and result.deductions == ()
    assert result.criterion_scores["toilets"] == 12.0


def test_per_occurrence_items_multiply_points_by_count():
    result = score({"collection": {"na": False, "deductions": {"bins": 3, "litter": 2}},
                    "transfer": {"deductions": {"point_dirty": 2}}})
    assert result.criterion_scores["collection"] == 7.0    # 12 - 3 - 2
    assert result.criterion_scores["transfer"] == 4.0      # 8 - 2 x 2
    assert result.total == 91.0
    assert result.deductions == (Deduction("collection", "litter", 2, 2.0),
                                 Deduction("collection", "bins", 3, 3.0),
                                 Deduction("transfer", "point_dirty", 2, 4.0))


def test_once_items_take_their_points_once():
    result = score({"cleaning": {"deductions": {"no_cleaner": 1, "no_self_check": 0}}})
    assert result.criterion_scores["cleaning"] == 6.0
    assert result.total == 96.0
    assert result.deductions == (Deduction("cleaning", "no_cleaner", 1, 4.0),)


def test_deductions_are_capped_at_the_criterion_maximum():
    result = score({"collection": {"deductions": {"bins": 20}}})
    assert result.criterion_scores["collection"] == 0.0
    assert result.total == 88.0                            # not 80: the cap is 12
    assert result.deductions[0].points == 20.0             # reported before capping


def test_veto_zeroes_the_criterion_only():
    result = score({"collection": {"deductions": {"open_burning": 1}},
                    "roads": {"deductions": {"road_dirty": 2}}})
    assert result.veto is True
    assert result.criterion_scores["collection"] == 0.0
    assert result.criterion_scores["roads"] == 8.0
    assert result.total == 86.0                            # 100 - 12 - 2
    assert result.deductions[0] == Deduction("collection", "open_burning", 1, 0.0, True)


def test_na_criteria_are_left_out_and_the_total_rescaled_to_100():
    result = score({"toilets": {"na": True, "deductions": {"open_pit": 3}},
                    "collection": {"na": True},
                    "cleaning": {"deductions": {"no_cleaner": 1}}})
    assert result.criterion_scores["toilets"] is None
    assert result.criterion_scores["collection"] is None
    assert result.total == pytest.approx(100 * 72 / 76)    # (76 - 4) / 76
    assert result.deductions == (Deduction("cleaning", "no_cleaner", 1, 4.0),)


def test_a_veto_in_an_na_criterion_does_not_count():
    result = score({"collection": {"na": True, "deductions": {"open_burning": 1}}})
    assert result.veto is False
    assert result.total == 100.0


def test_every_criterion_na_has_no_total():
    result = score({c["key"]: {"na": True} for c in DEFAULT_RUBRIC["criteria"]})
    assert result.total is None
    assert set(result.criterion_scores.values()) == {None}


def test_void_deductions_are_dropped():
    criteria = {"collection": {"deductions": {"bins": 4, "open_burning": 1}},
                "roads": {"deductions": {"road_dirty": 1}}}
    assert score(criteria).total == 87.0
    result = score(criteria, void={("collection", "bins"), ("collection", "open_burning")})
    assert result.veto is False
    assert result.criterion_scores["collection"] == 12.0
    assert result.total == 99.0
    assert result.deductions == (Deduction("roads", "road_dirty", 1, 1.0),)


def test_subtotal_sums_the_named_criteria_and_skips_na():
    result = score({"collection": {"deductions": {"bins": 2}},
                    "toilets": {"deductions": {"toilet_broken": 1}}})
    assert result.subtotal(("collection", "toilets")) == 20.0    # 10 + 10
    result = score({"toilets": {"na": True}})
    assert result.subtotal(("collection", "toilets")) == 12.0


def test_a_custom_rubric_with_fractional_points():
    rubric = {"version": 7, "criteria": [
        {"key": "a", "max": 5, "label_zh": "甲", "label_en": "A", "items": [
            {"key": "x", "points": 0.5, "kind": "each", "label_zh": "x", "label_en": "x"}]},
        {"key": "b", "max": 15, "label_zh": "乙", "label_en": "B", "items": []}]}
    result = score_inspection(rubric, {"a": {"deductions": {"x": 3}}})
    assert result.criterion_scores == {"a": 3.5, "b": 15.0}
    assert result.total == pytest.approx(100 * 18.5 / 20)
