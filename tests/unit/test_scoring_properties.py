"""Properties of scoring one inspection (domain.md, "Default rubric"), on the real
rubric and on made-up ones."""
import copy

from hypothesis import given
from hypothesis import strategies as st

from sync.rubric import EACH, VETO, item_index, score_inspection
from tests.support.strategies import PROPERTIES, criteria_for, item_keys, rubrics


@st.composite
def scored_inputs(draw, counts=st.integers(0, 4)):
    rubric = draw(rubrics)
    return rubric, draw(criteria_for(rubric, counts))


# Indexes into a rubric's items, drawn once for any rubric: cheaper than a new
# sampled_from strategy for every example's rubric.
PICK = st.integers(0, 63)
PICKS = st.sets(PICK, max_size=5)


def some_items(rubric, picks) -> set:
    keys = item_keys(rubric)
    return {keys[i % len(keys)] for i in picks} if keys else set()


def is_na(criteria, key) -> bool:
    return bool((criteria.get(key) or {}).get("na"))


def count_of(criteria, key, item) -> int:
    return ((criteria.get(key) or {}).get("deductions") or {}).get(item, 0)


def with_count(criteria, key, item, count):
    criteria = copy.deepcopy(criteria)
    entry = criteria.setdefault(key, {})
    entry.setdefault("deductions", {})[item] = count
    return criteria


@PROPERTIES
@given(scored_inputs(st.integers(0, 40)))   # more than any criterion's maximum
def test_total_is_within_0_and_100_or_none_when_every_criterion_is_na(inputs):
    rubric, criteria = inputs
    score = score_inspection(rubric, criteria)
    if all(is_na(criteria, c["key"]) for c in rubric["criteria"]):
        assert score.total is None
    else:
        assert 0.0 <= score.total <= 100.0
    for criterion in rubric["criteria"]:
        value = score.criterion_scores[criterion["key"]]
        if is_na(criteria, criterion["key"]):
            assert value is None
        else:
            assert 0.0 <= value <= criterion["max"]


@PROPERTIES
@given(scored_inputs(), st.data())
def test_adding_a_deduction_never_raises_the_score(inputs, data):
    rubric, criteria = inputs
    picked = some_items(rubric, {data.draw(PICK, label="item")})
    if not picked:
        return   # a rubric without items: nothing to deduct
    (key, item), = picked
    kind = item_index(rubric)[(key, item)]["kind"]
    before = count_of(criteria, key, item)
    more = before + 1 if kind == EACH else 1
    worse = with_count(criteria, key, item, more)
    old, new = score_inspection(rubric, criteria), score_inspection(rubric, worse)
    if old.total is None:
        assert new.total is None
        return
    assert new.total <= old.total
    for c in rubric["criteria"]:
        if old.criterion_scores[c["key"]] is not None:
            assert new.criterion_scores[c["key"]] <= old.criterion_scores[c["key"]]
    assert old.veto <= new.veto     # a veto, once there, stays


@PROPERTIES
@given(scored_inputs(), st.data())
def test_void_deductions_never_lower_the_score(inputs, data):
    rubric, criteria = inputs
    void = some_items(rubric, data.draw(PICKS, label="void"))
    more_void = void | some_items(rubric, data.draw(PICKS, label="more void"))
    plain = score_inspection(rubric, criteria)
    voided = score_inspection(rubric, criteria, void)
    more = score_inspection(rubric, criteria, more_void)
    if plain.total is None:
        assert voided.total is None and more.total is None
        return
    assert plain.total <= voided.total <= more.total
    assert plain.veto >= voided.veto >= more.veto


@PROPERTIES
@given(scored_inputs(), st.data())
def test_a_void_deduction_scores_as_if_it_had_never_been_recorded(inputs, data):
    rubric, criteria = inputs
    void = some_items(rubric, data.draw(PICKS, label="void"))
    without = criteria
    for key, item in void:
        if count_of(criteria, key, item):
            without = with_count(without, key, item, 0)
    assert score_inspection(rubric, criteria, void) == score_inspection(rubric, without)


@PROPERTIES
@given(scored_inputs())
def test_deductions_are_the_counted_items_and_a_veto_zeroes_its_criterion(inputs):
    rubric, criteria = inputs
    index = item_index(rubric)
    score = score_inspection(rubric, criteria)
    expected = [(c["key"], i["key"]) for c in rubric["criteria"] for i in c["items"]
                if not is_na(criteria, c["key"]) and count_of(criteria, c["key"], i["key"]) > 0]
    assert [(d.criterion, d.item) for d in score.deductions] == expected
    for d in score.deductions:
        item = index[(d.criterion, d.item)]
        assert d.count == (count_of(criteria, d.criterion, d.item) if item["kind"] == EACH else 1)
        assert d.points == item["points"] * d.count
        assert d.veto == (item["kind"] == VETO)
        if d.veto:
            assert score.criterion_scores[d.criterion] == 0.0
    assert score.veto == any(d.veto for d in score.deductions)
