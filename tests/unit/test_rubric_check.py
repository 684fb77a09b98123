"""sync.rubric.rubric_problems: what keeps a rubric version from being activated."""
import copy

from sync.rubric import DEFAULT_RUBRIC, VETO, rubric_problems


def edited(change) -> dict:
    rubric = copy.deepcopy(DEFAULT_RUBRIC)
    change(rubric)
    return rubric


def found(rubric) -> list[tuple]:
    return [(p.field, p.code, p.params) for p in rubric_problems(rubric)]


def test_the_default_rubric_can_be_activated():
    assert rubric_problems(DEFAULT_RUBRIC) == []


def test_maxima_adding_up_to_99_are_refused():
    def lower(r):
        r["criteria"][0]["max"] = 9
    assert found(edited(lower)) == [("criteria", "max_sum", {"sum": "99", "total": 100})]


def test_a_weight_moved_between_criteria_keeps_the_sum():
    def move(r):
        r["criteria"][0]["max"], r["criteria"][1]["max"] = 12.5, 9.5
    assert rubric_problems(edited(move)) == []


def test_keys_must_be_lowercase_words_used_once():
    def bad(r):
        r["criteria"][1]["key"] = "Garbage collection"
        r["criteria"][2]["items"][0]["key"] = "point.dirty"
        r["criteria"][3]["key"] = "cleaning"
        r["criteria"][4]["items"][1]["key"] = "coverage_low"
        r["criteria"][5]["key"] = "r" * 41
    assert [(f, code) for f, code, _ in found(edited(bad))] == [
        ("criteria.1.key", "key_invalid"), ("criteria.2.items.0.key", "key_invalid"),
        ("criteria.3.key", "key_duplicate"), ("criteria.4.items.1.key", "key_duplicate"),
        ("criteria.5.key", "key_invalid")]


def test_the_same_item_key_may_appear_in_two_criteria():
    def same(r):
        r["criteria"][0]["items"][0]["key"] = r["criteria"][1]["items"][0]["key"]
    assert rubric_problems(edited(same)) == []


def test_labels_points_kinds_and_maxima():
    def bad(r):
        r["criteria"][0]["label_en"] = "  "
        r["criteria"][0]["items"][0]["label_zh"] = "评" * 201
        r["criteria"][1]["items"][0]["points"] = 0
        r["criteria"][1]["items"][1]["kind"] = "twice"
        r["criteria"][2]["items"][0]["points"] = "two"
        r["criteria"][3]["max"] = -1
        r["criteria"][4]["items"] = []
    assert found(edited(bad)) == [
        ("criteria.0.label_en", "label_required", {}),
        ("criteria.0.items.0.label_zh", "too_long", {"max": 200}),
        ("criteria.1.items.0.points", "item_points", {"max": 100}),
        ("criteria.1.items.1.kind", "item_kind", {}),
        ("criteria.2.items.0.points", "item_points", {"max": 100}),
        ("criteria.3.max", "criterion_max", {"max": 100}),
        ("criteria.4.items", "no_items", {})]


def test_a_veto_may_take_no_points():
    rubric = edited(lambda r: None)
    veto = rubric["criteria"][1]["items"][2]
    assert veto["kind"] == VETO and veto["points"] == 0
    assert rubric_problems(rubric) == []


def test_a_rubric_needs_a_criterion():
    assert found({"criteria": []}) == [("criteria", "no_criteria", {}),
                                       ("criteria", "max_sum", {"sum": "0", "total": 100})]
