"""Three-way merge of pushed revisions (sync-protocol.md, "Push", merged/conflict).

`ours` is what the server holds now, `theirs` the incoming revision, `base` the
revision the incoming edit started from. On a conflict ours stays: the contract
says the server's value is the one that counts until a supervisor resolves it.

Inspections and rechecks merge alike; a `Shape` says which fields each has: scalar
fields (each one leaf), one keyed field of entries (an inspection's criteria, a
recheck's items) whose leaves are merged one by one, and photos, a set by id.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable


def _note(value):
    return value or ""  # null and "" are the same empty note


def _criterion_leaves(entry: dict) -> dict:
    """{leaf: value} of one criterion, leaf = ("na",), ("note",) or ("deductions", item).

    Absent na, note and counts mean False, "" and 0, so a phone that omits them
    and a server that stores them explicitly do not disagree.
    """
    leaves = {("na",): bool(entry.get("na", False)), ("note",): _note(entry.get("note"))}
    for item, count in (entry.get("deductions") or {}).items():
        leaves[("deductions", item)] = count or 0
    return leaves


def _recheck_item_leaves(entry: dict) -> dict:
    """{("fixed",): bool, ("note",): str} of one rechecked rectification item."""
    return {("fixed",): bool(entry.get("fixed", False)), ("note",): _note(entry.get("note"))}


@dataclass(frozen=True)
class Shape:
    fields: tuple           # every content field, in the order the payload has them
    entries: str            # the keyed field merged entry by entry
    leaves: Callable        # entry → {leaf path (a tuple): value}
    empty_entry: dict       # an entry that did not exist yet

    @property
    def scalar_fields(self) -> tuple:
        # gps is one leaf: a half-merged position would be nonsense.
        return tuple(f for f in self.fields if f not in (self.entries, "photos"))


INSPECTION = Shape(
    # household_id: a household round's household (a leaf like the others), else null
    fields=("round_id", "group_id", "household_id", "rubric_version", "status",
            "started_at", "finished_at", "gps", "note", "criteria", "photos"),
    entries="criteria", leaves=_criterion_leaves,
    empty_entry={"na": False, "deductions": {}, "note": ""})
RECHECK = Shape(
    fields=("rectification_id", "started_at", "finished_at", "gps", "note", "items",
            "photos"),
    entries="items", leaves=_recheck_item_leaves,
    empty_entry={"fixed": False, "note": ""})

CONTENT_FIELDS = INSPECTION.fields


@dataclass
class MergeResult:
    merged: dict
    conflicts: list = field(default_factory=list)   # dotted leaf paths, in a stable order
    changed: bool = False                            # merged differs from ours


def content_of(payload: dict, shape: Shape = INSPECTION, deep: bool = True) -> dict:
    """The mergeable content of a payload (missing = empty): a deep copy, or with
    deep=False a view sharing the payload's values, for content that is only read."""
    content = {}
    for name in shape.fields:
        value = payload.get(name)
        if value is None:
            value = {} if name == shape.entries else [] if name == "photos" else None
        content[name] = copy.deepcopy(value) if deep else value
    return content


def _entry_leaves(content: dict | None, key: str, shape: Shape) -> dict:
    return shape.leaves(((content or {}).get(shape.entries) or {}).get(key) or {})


def _entry_keys(shape: Shape, *contents) -> list:
    keys = set()
    for content in contents:
        keys.update(((content or {}).get(shape.entries) or {}).keys())
    return sorted(keys)


def _resolve(path, base, ours, theirs, has_base, conflicts):
    """The merged value of one leaf; records a conflict when both sides moved apart."""
    if has_base and theirs == base:
        return ours
    if has_base and ours == base:
        return theirs
    if ours == theirs:
        return ours
    conflicts.append(path)
    return ours


def _set_leaf(merged: dict, key: str, leaf: tuple, value, shape: Shape) -> None:
    entry = merged[shape.entries].setdefault(key, copy.deepcopy(shape.empty_entry))
    for part in leaf[:-1]:
        entry = entry.setdefault(part, {})
    entry[leaf[-1]] = value


def _merge_entry(merged, key, base, ours, theirs, conflicts, shape: Shape) -> bool:
    b, o, t = (_entry_leaves(c, key, shape) for c in (base, ours, theirs))
    # The leaves every entry has first, then the keyed ones (deduction counts).
    fixed = list(shape.leaves({}))
    keyed = sorted({leaf for leaf in (*b, *o, *t) if leaf not in fixed})
    changed = False
    for leaf in fixed + keyed:
        path = ".".join((shape.entries, key) + leaf)
        value = _resolve(path, b.get(leaf, 0), o.get(leaf, 0), t.get(leaf, 0),
                         base is not None, conflicts)
        if value != o.get(leaf, 0):
            _set_leaf(merged, key, leaf, value, shape)
            changed = True
    return changed


def _union_photos(ours: list, theirs: list) -> tuple[list, bool]:
    photos = copy.deepcopy(list(ours))
    known = {p.get("id") for p in photos}
    added = False
    for photo in theirs:
        if photo.get("id") not in known:
            photos.append(copy.deepcopy(photo))
            known.add(photo.get("id"))
            added = True
    return photos, added


def merge_revisions(base: dict | None, ours: dict, theirs: dict,
                    shape: Shape = INSPECTION) -> MergeResult:
    """Merge leaf by leaf; photos are a union by id (ours first)."""
    merged = copy.deepcopy(ours)
    merged[shape.entries] = copy.deepcopy(ours.get(shape.entries) or {})
    conflicts, changed = [], False
    has_base = base is not None
    for name in shape.scalar_fields:
        b, o, t = ((content or {}).get(name) for content in (base, ours, theirs))
        if name == "note":
            b, o, t = _note(b), _note(o), _note(t)
        value = _resolve(name, b, o, t, has_base, conflicts)
        if value != o:
            merged[name] = copy.deepcopy(theirs.get(name))
            changed = True
    for key in _entry_keys(shape, base, ours, theirs):
        changed |= _merge_entry(merged, key, base, ours, theirs, conflicts, shape)
    merged["photos"], added = _union_photos(ours.get("photos") or [],
                                            theirs.get("photos") or [])
    return MergeResult(merged, conflicts, changed or added)
