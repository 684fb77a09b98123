"""sync/validation.py: the `household_id` of a pushed inspection, per field (contract,
"Household inspections are inspections"), and the default household rubric."""
import pytest

from sync.household_rubric import DEFAULT_HOUSEHOLD_RUBRIC
from sync.reasons import english
from sync.rubric import DEFAULT_RUBRIC, rubric_problems
from sync.validation import household_reasons, inspection_reasons

from tests.support.factories import inspection

RUBRICS = {1: DEFAULT_RUBRIC, 2: {**DEFAULT_HOUSEHOLD_RUBRIC, "version": 2}}
GROUP = 7


def shape(**overrides) -> dict:
    return english(inspection_reasons(inspection(1, GROUP, rubric_version=2, **overrides),
                                      RUBRICS))


def test_household_id_is_optional_in_the_shape_and_an_id_when_given():
    assert shape() == {} and shape(household_id=None) == {}
    assert shape(household_id=12) == {}
    assert shape(household_id="12") == {"household_id": ["must be an integer"]}
    assert shape(household_id=True) == {"household_id": ["must be an integer"]}
    assert shape(household_id=0) == {"household_id": ["must be at least 1"]}
    assert shape(household_id=2**63) == {"household_id": [f"must be at most {2**63 - 1}"]}


@pytest.mark.parametrize("household_id, subject, household_group, expected", [
    (5, "household", GROUP, {}),
    (None, "household", None, {"household_id": ["required"]}),
    (5, "household", None, {"household_id": ["unknown household"]}),
    (5, "household", GROUP + 1, {"household_id": ["this household belongs to another group"]}),
    (None, "group", None, {}),
    (5, "group", GROUP, {"household_id": [
        "this round checks villager groups, not households"]}),
])
def test_a_household_round_needs_a_household_of_its_group_and_a_group_round_none(
        household_id, subject, household_group, expected):
    payload = inspection(1, GROUP, household_id=household_id)
    assert english(household_reasons(payload, subject, household_group)) == expected


def test_absent_is_none():
    payload = inspection(1, GROUP)
    assert english(household_reasons(payload, "household", None)) == {
        "household_id": ["required"]}
    assert household_reasons(payload, "group", None) == {}


def test_the_default_household_rubric_is_domain_mds_table():
    assert rubric_problems(DEFAULT_HOUSEHOLD_RUBRIC) == []
    assert DEFAULT_HOUSEHOLD_RUBRIC["subject"] == "household"
    table = {c["key"]: (c["max"], [(i["key"], i["points"], i["kind"]) for i in c["items"]])
             for c in DEFAULT_HOUSEHOLD_RUBRIC["criteria"]}
    assert table == {
        "yard": (25, [("yard_clutter", 2, "each"), ("livestock_loose", 3, "each"),
                      ("yard_dirty", 5, "once")]),
        "rooms": (15, [("rooms_dirty", 5, "once"), ("bedding", 3, "once"),
                       ("walls", 2, "each")]),
        "kitchen": (15, [("stove_dirty", 5, "once"), ("food_uncovered", 3, "once"),
                         ("kitchen_waste", 2, "each")]),
        "toilet": (20, [("toilet_dirty", 5, "once"), ("no_flush", 5, "once"),
                        ("not_converted", 10, "once")]),
        "frontage": (15, [("front_litter", 2, "each"), ("front_stacking", 3, "each"),
                          ("unsorted", 3, "once")]),
        "conduct": (10, [("burning", 0, "veto"), ("illegal_building", 0, "veto"),
                         ("no_cleanup", 5, "once")]),
    }
    labels = {c["key"]: (c["label_zh"], c["label_en"]) for c in DEFAULT_HOUSEHOLD_RUBRIC["criteria"]}
    assert labels["frontage"] == ("门前三包", "Frontage duties")
    items = {i["key"]: i["label_zh"] for c in DEFAULT_HOUSEHOLD_RUBRIC["criteria"]
             for i in c["items"]}
    assert items["not_converted"] == "未完成卫生厕所改造" and items["burning"] == "焚烧垃圾或秸秆"
