"""A pushed recheck's shape and its three-way merge (sync-protocol.md, rechecks in push)."""
import copy

from sync.merge import RECHECK, content_of, merge_revisions
from sync.validation import recheck_reasons

RECTIFICATIONS = {7: ["collection.bins", "roads.road_dirty"]}
PHOTO = {"id": "00000000-0000-4000-8000-00000000000a", "sha256": "a" * 64, "size": 10,
         "mime": "image/jpeg", "width": 4, "height": 3, "criterion": "collection",
         "item": "bins", "source": "camera"}
RECHECK_PAYLOAD = {
    "id": "00000000-0000-4000-8000-000000000001", "client_rev": 1, "base_version": None,
    "rectification_id": 7, "started_at": "2026-11-20T09:00:00+08:00",
    "finished_at": "2026-11-20T09:20:00+08:00", "gps": None,
    "items": {"collection.bins": {"fixed": True, "note": ""},
              "roads.road_dirty": {"fixed": False}},
    "note": "", "photos": [PHOTO]}


def codes(payload) -> dict:
    return {path: [r.code for r in found]
            for path, found in recheck_reasons(payload, RECTIFICATIONS).items()}


def changed(**fields):
    payload = copy.deepcopy(RECHECK_PAYLOAD)
    payload.update(fields)
    return payload


def test_a_valid_recheck_has_no_reasons():
    assert codes(RECHECK_PAYLOAD) == {}


def test_items_and_photos_must_name_the_rectifications_items():
    assert codes(changed(items={"toilets.open_pit": {"fixed": True}})) == {
        "items.toilets.open_pit": ["unknown_item"]}
    assert codes(changed(photos=[dict(PHOTO, item="litter")])) == {
        "photos.0.item": ["unknown_item"]}
    assert codes(changed(photos=[dict(PHOTO, item=None)])) == {"photos.0.item": ["required"]}
    assert codes(changed(items={"collection.bins": {"fixed": 1, "extra": 2}})) == {
        "items.collection.bins.extra": ["unknown_key"],
        "items.collection.bins.fixed": ["not_boolean"]}


def test_the_rectification_must_be_known():
    assert codes(changed(rectification_id=8)) == {"rectification_id": ["unknown_rectification"]}
    assert codes(changed(rectification_id=True)) == {"rectification_id": ["not_integer"]}
    # Without a known rectification the items cannot be checked, only their shape.
    assert codes(changed(rectification_id=8, items=[])) == {
        "rectification_id": ["unknown_rectification"], "items": ["not_object"]}


def test_not_an_object_and_missing_fields():
    assert codes(None) == {"recheck": ["not_object"]}
    payload = changed(round_id=1)
    del payload["items"]
    assert codes(payload) == {"round_id": ["unknown_key"], "items": ["required"]}


def test_merge_leaves_are_each_items_fixed_and_note():
    base = content_of(RECHECK_PAYLOAD, RECHECK)
    ours = copy.deepcopy(base)
    ours["items"]["collection.bins"]["note"] = "supervisor saw it"
    theirs = copy.deepcopy(base)
    theirs["items"]["roads.road_dirty"] = {"fixed": True, "note": "swept"}
    theirs["note"] = "done"
    result = merge_revisions(base, ours, theirs, RECHECK)
    assert result.conflicts == [] and result.changed
    assert result.merged["items"] == {"collection.bins": {"fixed": True,
                                                          "note": "supervisor saw it"},
                                      "roads.road_dirty": {"fixed": True, "note": "swept"}}
    assert result.merged["note"] == "done"


def test_fixed_and_note_are_separate_leaves():
    base = content_of(RECHECK_PAYLOAD, RECHECK)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["items"]["collection.bins"]["fixed"] = False
    theirs["items"]["collection.bins"]["note"] = "new bins"
    result = merge_revisions(base, ours, theirs, RECHECK)
    assert result.conflicts == []
    assert result.merged["items"]["collection.bins"] == {"fixed": False, "note": "new bins"}


def test_the_same_leaf_changed_apart_is_a_conflict_and_ours_stays():
    base = content_of(RECHECK_PAYLOAD, RECHECK)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["items"]["collection.bins"]["note"] = "x"
    theirs["items"]["collection.bins"]["note"] = "y"
    result = merge_revisions(base, ours, theirs, RECHECK)
    assert result.conflicts == ["items.collection.bins.note"]
    assert result.merged["items"]["collection.bins"]["note"] == "x"


def test_photos_are_a_union_by_id():
    base = content_of(RECHECK_PAYLOAD, RECHECK)
    theirs = copy.deepcopy(base)
    theirs["photos"].append(dict(PHOTO, id="00000000-0000-4000-8000-00000000000b"))
    result = merge_revisions(base, copy.deepcopy(base), theirs, RECHECK)
    assert [p["id"][-1] for p in result.merged["photos"]] == ["a", "b"]
