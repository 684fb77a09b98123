"""Three-way merge of inspection revisions (sync-protocol.md, "Push", merged/conflict).

`ours` is what the server holds now, `theirs` the incoming revision, `base` the
revision the incoming edit started from. On a conflict ours stays: the contract
says the server's value is the one that counts until a supervisor resolves it.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

CONTENT_FIELDS = ("round_id", "group_id", "rubric_version", "status", "started_at",
                  "finished_at", "gps", "note", "criteria", "photos")
# Fields compared whole (gps is one leaf: a half-merged position would be nonsense).
_SCALAR_FIELDS = tuple(f for f in CONTENT_FIELDS if f not in ("criteria", "photos"))


@dataclass
class MergeResult:
    merged: dict
    conflicts: list = field(default_factory=list)   # dotted leaf paths, in a stable order
    changed: bool = False                            # merged differs from ours


def content_of(inspection: dict) -> dict:
    """The mergeable content of an inspection payload (a deep copy, missing = empty)."""
    empty = {"criteria": {}, "photos": []}
    content = {}
    for name in CONTENT_FIELDS:
        value = inspection.get(name)
        content[name] = copy.deepcopy(empty.get(name) if value is None else value)
    return content


def _note(value):
    return value or ""  # null and "" are the same empty note


def _criterion_leaves(content: dict | None, key: str) -> dict:
    """{leaf: value} of one criterion, leaf = ("na",), ("note",) or ("deductions", item).

    Absent na, note and counts mean False, "" and 0, so a phone that omits them
    and a server that stores them explicitly do not disagree.
    """
    entry = ((content or {}).get("criteria") or {}).get(key) or {}
    leaves = {("na",): bool(entry.get("na", False)), ("note",): _note(entry.get("note"))}
    for item, count in (entry.get("deductions") or {}).items():
        leaves[("deductions", item)] = count or 0
    return leaves


def _criterion_keys(*contents) -> list:
    keys = set()
    for content in contents:
        keys.update(((content or {}).get("criteria") or {}).keys())
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


def _set_leaf(merged: dict, key: str, leaf: tuple, value) -> None:
    entry = merged["criteria"].setdefault(key, {"na": False, "deductions": {}, "note": ""})
    if leaf[0] == "deductions":
        entry.setdefault("deductions", {})[leaf[1]] = value
    else:
        entry[leaf[0]] = value


def _merge_criterion(merged, key, base, ours, theirs, conflicts) -> bool:
    b, o, t = (_criterion_leaves(c, key) for c in (base, ours, theirs))
    items = sorted({leaf for leaf in (*b, *o, *t) if leaf[0] == "deductions"})
    changed = False
    for leaf in [("na",), ("note",)] + items:
        path = ".".join(("criteria", key) + leaf)
        value = _resolve(path, b.get(leaf, 0), o.get(leaf, 0), t.get(leaf, 0),
                         base is not None, conflicts)
        if value != o.get(leaf, 0):
            _set_leaf(merged, key, leaf, value)
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


def merge_revisions(base: dict | None, ours: dict, theirs: dict) -> MergeResult:
    """Merge leaf by leaf; photos are a union by id (ours first)."""
    merged = copy.deepcopy(ours)
    merged["criteria"] = copy.deepcopy(ours.get("criteria") or {})
    conflicts, changed = [], False
    has_base = base is not None
    for name in _SCALAR_FIELDS:
        b, o, t = ((content or {}).get(name) for content in (base, ours, theirs))
        if name == "note":
            b, o, t = _note(b), _note(o), _note(t)
        value = _resolve(name, b, o, t, has_base, conflicts)
        if value != o:
            merged[name] = copy.deepcopy(theirs.get(name))
            changed = True
    for key in _criterion_keys(base, ours, theirs):
        changed |= _merge_criterion(merged, key, base, ours, theirs, conflicts)
    merged["photos"], added = _union_photos(ours.get("photos") or [],
                                            theirs.get("photos") or [])
    return MergeResult(merged, conflicts, changed or added)
