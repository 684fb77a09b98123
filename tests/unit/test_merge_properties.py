"""Properties of the three-way merge (sync-protocol.md, "Push": merged, conflict).

The leaves are each top-level field, each criterion's na and note, and each deduction
count; an absent na, note or count is false, "" and 0. Photos are a union by id.
"""
import copy

from hypothesis import given
from hypothesis import strategies as st

from sync.merge import CONTENT_FIELDS, merge_revisions
from tests.support.strategies import COSTLY_PROPERTIES, criteria_for, rubrics

SCALARS = tuple(f for f in CONTENT_FIELDS if f not in ("criteria", "photos"))
PHOTO_IDS = [f"00000000-0000-4000-8000-{n:012x}" for n in range(1, 6)]
GPS = [None, {"lat": 21.9, "lon": 100.4, "accuracy_m": 10, "at": None},
       {"lat": 21.95, "lon": 100.41, "accuracy_m": 3, "at": "2026-11-05T09:05:00+08:00"}]
TIMES = ["2026-11-05T09:00:00+08:00", "2026-11-05T09:30:00+08:00"]
SMALL_COUNTS = st.integers(0, 2)     # few values, so both sides often pick the same one


def photo(photo_id, criterion):
    return {"id": photo_id, "sha256": photo_id[-1] * 64, "criterion": criterion,
            "item": None, "source": "camera"}


# Unique ids on one side, as validation demands; the same id may carry other metadata
# on the other side (a photo moved to another criterion).
photo_lists = st.lists(st.tuples(st.sampled_from(PHOTO_IDS),
                                 st.sampled_from(["collection", "roads"])),
                       max_size=4, unique_by=lambda p: p[0]
                       ).map(lambda pairs: [photo(*p) for p in pairs])


@st.composite
def revisions(draw, rubric):
    return {
        "round_id": draw(st.sampled_from([1, 2])),
        "group_id": draw(st.sampled_from([1, 2])),
        "rubric_version": rubric["version"],
        "status": "submitted",
        "started_at": TIMES[0],
        "finished_at": draw(st.sampled_from(TIMES)),
        "gps": copy.deepcopy(draw(st.sampled_from(GPS))),
        "note": draw(st.sampled_from([None, "", "checked", "复查"])),
        "criteria": draw(criteria_for(rubric, SMALL_COUNTS)),
        "photos": draw(photo_lists),
    }


@st.composite
def triples(draw, with_base=st.booleans()):
    """(base, ours, theirs) against one rubric; base may be None (no common revision).

    All three talk about the same one or two criteria of the rubric: disagreements
    need common ground, and fewer leaves keep each example cheap."""
    rubric = draw(rubrics)
    rubric = {**rubric, "criteria": draw(st.lists(st.sampled_from(rubric["criteria"]),
                                                  min_size=1, max_size=2,
                                                  unique_by=lambda c: c["key"]))}
    base = draw(revisions(rubric)) if draw(with_base) else None
    return base, draw(revisions(rubric)), draw(revisions(rubric))


def leaves(content) -> dict:
    """{leaf path (a tuple): value}, absent values filled in as the contract says."""
    if content is None:
        return {}
    view = {(name,): content.get(name) for name in SCALARS}
    view[("note",)] = view[("note",)] or ""   # null and "" are the same empty note
    for key, entry in (content.get("criteria") or {}).items():
        entry = entry or {}
        view[("criteria", key, "na")] = bool(entry.get("na", False))
        view[("criteria", key, "note")] = entry.get("note") or ""
        for item, count in (entry.get("deductions") or {}).items():
            view[("criteria", key, "deductions", item)] = count or 0
    return view


def value(view: dict, path: tuple):
    if path in view:
        return view[path]
    if path[0] != "criteria":
        return None
    return {"na": False, "note": "", "deductions": 0}[path[2]]


def paths(*views) -> set:
    return set().union(*views)


def same_leaves(a, b) -> bool:
    va, vb = leaves(a), leaves(b)
    return all(value(va, p) == value(vb, p) for p in paths(va, vb))


def dotted(path: tuple) -> str:
    return ".".join(path)


def ids(content) -> list:
    return [p["id"] for p in content["photos"]]


def without_photos(content) -> dict:
    return {k: v for k, v in content.items() if k != "photos"}


@COSTLY_PROPERTIES
@given(triples())
def test_each_leaf_follows_the_merge_rule_and_conflicts_are_exactly_the_leaves_both_changed(
        sides):
    base, ours, theirs = sides
    before = copy.deepcopy(sides)
    result = merge_revisions(base, ours, theirs)
    assert sides == before                      # the inputs are left as they were
    vb, vo, vt, vm = (leaves(c) for c in (base, ours, theirs, result.merged))
    expected_conflicts = set()
    for path in paths(vb, vo, vt):
        b, o, t = value(vb, path), value(vo, path), value(vt, path)
        if base is not None and t == b:
            expected = o
        elif base is not None and o == b:
            expected = t
        else:
            expected = o          # equal sides, or a conflict: the server's value stays
            if o != t:
                expected_conflicts.add(dotted(path))
        assert value(vm, path) == expected, path
    assert set(result.conflicts) == expected_conflicts
    assert len(result.conflicts) == len(expected_conflicts)    # each conflict once
    moved = not same_leaves(result.merged, ours) or ids(result.merged) != ids(ours)
    assert result.changed == moved
    for entry in result.merged["criteria"].values():   # the result shares nothing
        entry["na"] = not entry.get("na")
    for photo_ in result.merged["photos"]:
        photo_["criterion"] = "moved"
    if result.merged["gps"]:
        result.merged["gps"]["lat"] = -1.0
    assert sides == before


@COSTLY_PROPERTIES
@given(triples())
def test_merging_the_same_revision_twice_changes_nothing(sides):
    base, ours, theirs = sides
    first = merge_revisions(base, ours, theirs)
    again = merge_revisions(base, first.merged, theirs)
    assert again.merged == first.merged
    assert again.changed is False
    assert again.conflicts == first.conflicts    # an open conflict stays open, no new one
    same = merge_revisions(base, ours, copy.deepcopy(ours))
    assert same.merged == ours and same.conflicts == [] and same.changed is False


@COSTLY_PROPERTIES
@given(triples(with_base=st.just(True)))
def test_a_side_unchanged_from_the_base_yields_the_other_side(sides):
    base, ours, theirs = sides
    phone_only = merge_revisions(base, copy.deepcopy(base), theirs)
    assert phone_only.conflicts == []
    assert same_leaves(phone_only.merged, theirs)
    assert set(ids(phone_only.merged)) == set(ids(base)) | set(ids(theirs))

    server_only = merge_revisions(base, ours, copy.deepcopy(base))
    assert server_only.conflicts == []
    assert without_photos(server_only.merged) == without_photos(ours)
    assert server_only.changed == bool(set(ids(base)) - set(ids(ours)))


@COSTLY_PROPERTIES
@given(triples(with_base=st.just(True)), st.data())
def test_no_conflict_when_each_leaf_was_changed_by_one_side_only(sides, data):
    base, drawn_ours, drawn_theirs = sides
    vb, vo, vt = leaves(base), leaves(drawn_ours), leaves(drawn_theirs)
    every = sorted(paths(vb, vo, vt))
    # Each leaf goes to one side: that side may change it, the other keeps the base.
    to_ours = data.draw(st.lists(st.booleans(), min_size=len(every), max_size=len(every)))
    ours_view = {p: (value(vo, p) if mine else value(vb, p)) for p, mine in zip(every, to_ours)}
    theirs_view = {p: (value(vb, p) if mine else value(vt, p))
                   for p, mine in zip(every, to_ours)}
    ours = build(ours_view, drawn_ours["photos"])
    theirs = build(theirs_view, drawn_theirs["photos"])
    result = merge_revisions(base, ours, theirs)
    assert result.conflicts == []
    vm = leaves(result.merged)
    for p, mine in zip(every, to_ours):
        assert value(vm, p) == (ours_view[p] if mine else theirs_view[p]), p


def build(view: dict, photos: list) -> dict:
    """A revision with exactly these leaves, every key written out."""
    content = {name: copy.deepcopy(view.get((name,))) for name in SCALARS}
    content["criteria"], content["photos"] = {}, copy.deepcopy(photos)
    for path, leaf in view.items():
        if path[0] != "criteria":
            continue
        entry = content["criteria"].setdefault(path[1],
                                               {"na": False, "deductions": {}, "note": ""})
        if path[2] == "deductions":
            entry["deductions"][path[3]] = leaf
        else:
            entry[path[2]] = leaf
    return content


@COSTLY_PROPERTIES
@given(triples())
def test_the_photos_are_the_union_of_both_sides_each_once_ours_first(sides):
    base, ours, theirs = sides
    merged = merge_revisions(base, ours, theirs).merged
    new = [p for p in theirs["photos"] if p["id"] not in ids(ours)]
    assert merged["photos"] == ours["photos"] + new
    assert len(ids(merged)) == len(set(ids(merged))) == len(set(ids(ours)) | set(ids(theirs)))
