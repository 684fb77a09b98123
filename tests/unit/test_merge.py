"""Three-way merge of inspection revisions (sync-protocol.md, merge leaves)."""
import copy

from sync.merge import CONTENT_FIELDS, content_of, merge_revisions

PHOTO_A = {"id": "00000000-0000-4000-8000-00000000000a", "sha256": "a" * 64, "item": "bins"}
PHOTO_B = {"id": "00000000-0000-4000-8000-00000000000b", "sha256": "b" * 64, "item": "bins"}
PHOTO_C = {"id": "00000000-0000-4000-8000-00000000000c", "sha256": "c" * 64, "item": None}
BASE = {
    "round_id": 1, "group_id": 2, "rubric_version": 1, "status": "submitted",
    "started_at": "2026-11-05T09:00:00+08:00", "finished_at": "2026-11-05T09:30:00+08:00",
    "gps": {"lat": 21.9, "lon": 100.4, "accuracy_m": 10, "at": None},
    "note": "",
    "criteria": {"collection": {"na": False, "deductions": {"bins": 2, "litter": 1},
                                "note": ""},
                 "roads": {"na": False, "deductions": {}, "note": ""}},
    "photos": [PHOTO_A],
}


def revision(**changes):
    content = copy.deepcopy(BASE)
    content.update(copy.deepcopy(changes))
    return content


def with_count(content, criterion, item, count):
    content = copy.deepcopy(content)
    entry = content["criteria"].setdefault(criterion, {"na": False, "deductions": {}, "note": ""})
    entry["deductions"][item] = count
    return content


def test_nothing_changed_on_either_side():
    result = merge_revisions(BASE, copy.deepcopy(BASE), copy.deepcopy(BASE))
    assert result.merged == BASE and result.conflicts == [] and result.changed is False


def test_disjoint_edits_are_both_kept():
    ours = revision(note="checked by supervisor")                  # server side
    ours = with_count(ours, "collection", "litter", 0)
    theirs = with_count(revision(gps=None), "collection", "bins", 5)  # the phone
    theirs["criteria"]["roads"]["note"] = "mud after rain"
    result = merge_revisions(BASE, ours, theirs)
    assert result.conflicts == []
    assert result.changed is True
    assert result.merged["note"] == "checked by supervisor"
    assert result.merged["gps"] is None
    assert result.merged["criteria"]["collection"]["deductions"] == {"bins": 5, "litter": 0}
    assert result.merged["criteria"]["roads"]["note"] == "mud after rain"


def test_theirs_unchanged_keeps_ours_without_a_change():
    ours = with_count(revision(note="server note"), "collection", "bins", 7)
    result = merge_revisions(BASE, ours, copy.deepcopy(BASE))
    assert result.merged == ours and result.conflicts == [] and result.changed is False


def test_same_leaf_changed_differently_is_a_conflict_and_ours_stays():
    ours = with_count(revision(note="server"), "collection", "bins", 3)
    theirs = with_count(revision(note="phone"), "collection", "bins", 4)
    theirs["gps"] = {"lat": 22.0, "lon": 100.5, "accuracy_m": 5, "at": None}
    result = merge_revisions(BASE, ours, theirs)
    assert result.conflicts == ["note", "criteria.collection.deductions.bins"]
    assert result.merged["note"] == "server"
    assert result.merged["criteria"]["collection"]["deductions"]["bins"] == 3
    assert result.merged["gps"]["lat"] == 22.0      # the non-conflicting leaf still merges
    assert result.changed is True


def test_gps_is_one_leaf():
    ours = revision(gps={"lat": 21.9, "lon": 100.4, "accuracy_m": 3, "at": None})
    theirs = revision(gps={"lat": 21.8, "lon": 100.4, "accuracy_m": 10, "at": None})
    result = merge_revisions(BASE, ours, theirs)
    assert result.conflicts == ["gps"]
    assert result.merged["gps"] == ours["gps"]


def test_identical_changes_are_not_conflicts():
    ours = with_count(revision(note="same", status="submitted"), "toilets", "open_pit", 2)
    theirs = copy.deepcopy(ours)
    result = merge_revisions(BASE, ours, theirs)
    assert result.conflicts == [] and result.changed is False
    assert result.merged["criteria"]["toilets"]["deductions"] == {"open_pit": 2}


def test_absent_count_means_zero_and_absent_na_means_false():
    ours = copy.deepcopy(BASE)
    ours["criteria"]["collection"] = {"deductions": {"bins": 2, "litter": 1}}
    theirs = copy.deepcopy(BASE)
    theirs["criteria"]["collection"]["deductions"] = {"bins": 2, "litter": 1, "open_burning": 0}
    result = merge_revisions(BASE, ours, theirs)
    assert result.conflicts == [] and result.changed is False


def test_na_and_criterion_note_are_leaves():
    ours = copy.deepcopy(BASE)
    ours["criteria"]["roads"]["na"] = True
    theirs = copy.deepcopy(BASE)
    theirs["criteria"]["roads"]["na"] = False
    theirs["criteria"]["roads"]["note"] = "fine"
    theirs["criteria"]["greening"] = {"na": True, "deductions": {}, "note": ""}
    result = merge_revisions(BASE, ours, theirs)
    assert result.conflicts == []
    assert result.merged["criteria"]["roads"] == {"na": True, "deductions": {}, "note": "fine"}
    assert result.merged["criteria"]["greening"]["na"] is True


def test_photos_are_a_union_by_id_ours_first():
    ours = revision(photos=[PHOTO_A, PHOTO_C])
    changed_a = dict(PHOTO_A, item="litter")
    theirs = revision(photos=[PHOTO_B, changed_a])
    result = merge_revisions(BASE, ours, theirs)
    assert result.merged["photos"] == [PHOTO_A, PHOTO_C, PHOTO_B]
    assert result.changed is True and result.conflicts == []


def test_a_photo_dropped_by_one_side_is_kept():
    result = merge_revisions(BASE, copy.deepcopy(BASE), revision(photos=[]))
    assert result.merged["photos"] == [PHOTO_A] and result.changed is False


def test_without_base_every_difference_is_a_conflict():
    ours = with_count(revision(note="a"), "collection", "bins", 1)
    theirs = with_count(revision(note="b", photos=[PHOTO_B]), "collection", "bins", 1)
    theirs["finished_at"] = "2026-11-05T09:45:00+08:00"
    result = merge_revisions(None, ours, theirs)
    assert result.conflicts == ["finished_at", "note"]
    assert result.merged["finished_at"] == BASE["finished_at"]
    assert result.merged["photos"] == [PHOTO_A, PHOTO_B]
    assert result.changed is True


def test_the_inputs_are_not_mutated():
    ours, theirs = revision(note="x"), with_count(BASE, "roads", "road_dirty", 2)
    before = copy.deepcopy((ours, theirs))
    merged = merge_revisions(BASE, ours, theirs).merged
    merged["criteria"]["collection"]["deductions"]["bins"] = 99
    assert (ours, theirs) == before


def test_content_of_takes_only_content_fields():
    payload = dict(copy.deepcopy(BASE), id="x", client_rev=4, base_version=None)
    del payload["photos"]
    content = content_of(payload)
    assert tuple(content) == CONTENT_FIELDS
    assert content["photos"] == [] and content["criteria"] == BASE["criteria"]
    assert content["criteria"] is not payload["criteria"]
