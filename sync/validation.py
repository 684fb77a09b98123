"""Validation of one pushed inspection or recheck (sync-protocol.md, "Push").

Only checks that need no database live here; the server still checks that
round_id and group_id are known and in the caller's township, and hands in the
township's rectifications for a recheck.
Errors are {dotted.path: [Reason]} (sync.reasons: a code with parameters, and its
short English text); nothing here ever raises on JSON-shaped input, because bad input
must become a `rejected` result, never a 500. A part of a record that passes the plain
tests of sync/shapes.py has nothing to report; only the others go through the checks here.
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Mapping

from .ids import is_sha256, is_uuid
from .reasons import Reason, english
from .rubric import EACH
from .shapes import (CRITERION_KEYS, GPS_KEYS, INSPECTION_KEYS, MAX_COUNT, MAX_INT,
                     MAX_NOTE_CHARS, MAX_REVISION, MIMES, PHOTO_KEYS, RECHECK_ITEM_KEYS,
                     RECHECK_KEYS, SOURCES, Keys, parse_time, plain_criterion, plain_gps,
                     plain_photo)
from .states import HOUSEHOLD_SUBJECT


class _Errors(dict):
    def add(self, path: str, code: str, **params) -> None:
        self.setdefault(path, []).append(Reason(code, params))


def _is_int(value) -> bool:
    # bool is a subclass of int in Python, but `true` is not a number in the contract.
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


def _is_number(value) -> bool:
    # JSON parsers in Python accept NaN and Infinity; they are not coordinates. An integer
    # is always finite (math.isfinite would fail on one too large for a float).
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _path(prefix: str, key) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _check_object_keys(obj: Mapping, keys: Keys, prefix: str, errors: _Errors) -> None:
    present = obj.keys()
    if present <= keys.allowed and present >= keys.needed:   # most objects: say it fast
        return
    for key in obj:
        if key not in keys.allowed:
            errors.add(_path(prefix, key), "unknown_key")
    for key in keys.required:
        if key not in obj:
            errors.add(_path(prefix, key), "required")


def _check_int(value, path, errors, *, minimum=None, maximum=MAX_INT, nullable=False):
    if value is None and nullable:
        return
    if not _is_int(value):
        errors.add(path, "not_integer")
    elif minimum is not None and value < minimum:
        errors.add(path, "too_small", min=minimum)
    elif value > maximum:
        errors.add(path, "too_large", max=maximum)


def _check_note(value, path, errors) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        errors.add(path, "not_string")
    elif len(value) > MAX_NOTE_CHARS:
        errors.add(path, "too_long", max=MAX_NOTE_CHARS)
    elif "\x00" in value:
        # A note may span lines, but PostgreSQL stores no NUL in text.
        errors.add(path, "control_character")


def _check_time(value, path, errors, *, nullable=False) -> datetime | None:
    if value is None and nullable:
        return None
    parsed = parse_time(value)
    if parsed is None:
        errors.add(path, "not_time")
    return parsed


def _check_gps(gps, path, errors) -> None:
    if not plain_gps(gps):   # null passes
        _explain_gps(gps, path, errors)


def _explain_gps(gps, path, errors) -> None:
    if gps is None:
        return
    if not isinstance(gps, dict):
        errors.add(path, "not_object_or_null")
        return
    _check_object_keys(gps, GPS_KEYS, path, errors)
    for key, limit in (("lat", 90), ("lon", 180)):
        if key not in gps:
            continue
        value = gps[key]
        if not _is_number(value):
            errors.add(f"{path}.{key}", "not_number")
        elif not -limit <= value <= limit:
            errors.add(f"{path}.{key}", "out_of_range", min=-limit, max=limit)
    accuracy = gps.get("accuracy_m")
    if accuracy is not None and (not _is_number(accuracy) or accuracy < 0):
        errors.add(f"{path}.accuracy_m", "not_accuracy")
    _check_time(gps.get("at"), f"{path}.at", errors, nullable=True)


def _rubric_kinds(rubric) -> dict | None:
    """{criterion_key: {item_key: kind}}, or None when the rubric is unknown."""
    if rubric is None:
        return None
    return {c["key"]: {i["key"]: i["kind"] for i in c["items"]} for c in rubric["criteria"]}


def rubric_kinds(rubrics: Mapping) -> dict:
    """version → what validating against that rubric reads of it: made once for a push
    of many inspections (inspection_reasons' `kinds`)."""
    return {version: _rubric_kinds(rubric) for version, rubric in rubrics.items()}


def _check_counts(counts, kinds, path, errors) -> None:
    if not isinstance(counts, dict):
        errors.add(path, "not_object")
        return
    for item_key, count in counts.items():
        item_path = f"{path}.{item_key}"  # _path, inlined: a push checks thousands
        if kinds is not None and item_key not in kinds:
            errors.add(item_path, "unknown_item")
            continue
        once = kinds is not None and kinds[item_key] != EACH
        _check_int(count, item_path, errors, minimum=0, maximum=1 if once else MAX_COUNT)


def _check_criteria(criteria, kinds, errors) -> None:
    if not isinstance(criteria, dict):
        errors.add("criteria", "not_object")
        return
    for key, entry in criteria.items():
        if kinds is None:
            item_kinds = None
        elif key in kinds:
            item_kinds = kinds[key]
        else:
            errors.add(f"criteria.{key}", "unknown_criterion")
            continue
        if not plain_criterion(entry, item_kinds):
            _check_criterion(entry, item_kinds, f"criteria.{key}", errors)


def _check_entry(entry, keys: Keys, boolean: str, path, errors) -> bool:
    """An entry of a record (a criterion, a rechecked item): an object of these keys, one
    of them a boolean. False when it is no object, and nothing more can be said of it."""
    if not isinstance(entry, dict):
        errors.add(path, "not_object")
        return False
    _check_object_keys(entry, keys, path, errors)
    if boolean in entry and not isinstance(entry[boolean], bool):
        errors.add(f"{path}.{boolean}", "not_boolean")
    return True


def _check_criterion(entry, item_kinds, path, errors) -> None:
    if not _check_entry(entry, CRITERION_KEYS, "na", path, errors):
        return
    if "deductions" in entry:
        _check_counts(entry["deductions"], item_kinds, f"{path}.deductions", errors)
    _check_note(entry.get("note"), f"{path}.note", errors)


def _check_photo(photo, path, kinds, errors) -> None:
    _check_object_keys(photo, PHOTO_KEYS, path, errors)
    if "id" in photo and not is_uuid(photo["id"]):
        errors.add(f"{path}.id", "not_uuid")
    if "sha256" in photo and not is_sha256(photo["sha256"]):
        errors.add(f"{path}.sha256", "not_sha256")
    if "size" in photo:
        _check_int(photo["size"], f"{path}.size", errors, minimum=1)
    for key in ("width", "height"):
        if key in photo:
            _check_int(photo[key], f"{path}.{key}", errors, minimum=0)
    if "mime" in photo and photo["mime"] not in MIMES:
        errors.add(f"{path}.mime", "not_image_type")
    if "source" in photo and photo["source"] not in SOURCES:
        errors.add(f"{path}.source", "not_source")
    _check_time(photo.get("captured_at"), f"{path}.captured_at", errors, nullable=True)
    _check_gps(photo.get("gps"), f"{path}.gps", errors)
    _check_photo_target(photo, path, kinds, errors)


def _check_photo_target(photo, path, kinds, errors) -> None:
    """The photo's criterion must exist; its item (null = general photo) too."""
    criterion, item = photo.get("criterion"), photo.get("item")
    if "criterion" not in photo:
        return
    if not isinstance(criterion, str):
        errors.add(f"{path}.criterion", "not_string")
    elif kinds is not None and criterion not in kinds:
        errors.add(f"{path}.criterion", "unknown_criterion")
    if item is None:
        return
    if not isinstance(item, str):
        errors.add(f"{path}.item", "not_string_or_null")
    elif kinds is not None and isinstance(criterion, str) and criterion in kinds \
            and item not in kinds[criterion]:
        errors.add(f"{path}.item", "unknown_item")


def _check_photos(photos, kinds, errors) -> None:
    if photos is None:
        return
    if not isinstance(photos, list):
        errors.add("photos", "not_list")
        return
    seen = set()
    for index, photo in enumerate(photos):
        if type(photo) is dict and plain_photo(photo, kinds):
            photo_id = photo["id"]
        else:
            path = f"photos.{index}"
            if not isinstance(photo, dict):
                errors.add(path, "not_object")
                continue
            _check_photo(photo, path, kinds, errors)
            photo_id = photo.get("id")
            if not is_uuid(photo_id):
                continue
        if photo_id in seen:
            errors.add(f"photos.{index}.id", "duplicate_photo_id")
        seen.add(photo_id)


def _check_revision(payload, errors) -> None:
    """The top-level fields inspections and rechecks share."""
    if "id" in payload and not is_uuid(payload["id"]):
        errors.add("id", "not_uuid")
    if "client_rev" in payload:
        _check_int(payload["client_rev"], "client_rev", errors, minimum=1,
                   maximum=MAX_REVISION)
    if "base_version" in payload:
        _check_int(payload["base_version"], "base_version", errors, minimum=0,
                   maximum=MAX_REVISION, nullable=True)
    started = _check_time(payload.get("started_at"), "started_at", errors) \
        if "started_at" in payload else None
    finished = _check_time(payload.get("finished_at"), "finished_at", errors) \
        if "finished_at" in payload else None
    if started and finished and finished < started:
        errors.add("finished_at", "before_start")
    _check_gps(payload.get("gps"), "gps", errors)
    _check_note(payload.get("note"), "note", errors)


def _check_header(payload, rubrics, errors, kinds=None) -> dict | None:
    """Checks every scalar top-level field; returns the rubric's kinds if it is known."""
    _check_revision(payload, errors)
    for key in ("round_id", "group_id"):
        if key in payload:
            _check_int(payload[key], key, errors, minimum=1)
    _check_int(payload.get("household_id"), "household_id", errors, minimum=1, nullable=True)
    if "status" in payload and payload["status"] != "submitted":
        errors.add("status", "not_submitted")
    version = payload.get("rubric_version")
    if "rubric_version" not in payload:
        return None
    if not _is_int(version):
        errors.add("rubric_version", "not_integer")
        return None
    if version not in rubrics:
        errors.add("rubric_version", "unknown_rubric_version")
        return None
    return kinds[version] if kinds is not None else _rubric_kinds(rubrics[version])


def inspection_reasons(payload, rubrics: Mapping,
                       kinds: Mapping | None = None) -> dict[str, list[Reason]]:
    """Field errors of one pushed inspection as reasons; an empty dict means valid.
    kinds: rubric_kinds(rubrics), when many are checked against the same rubrics."""
    errors = _Errors()
    if not isinstance(payload, dict):
        errors.add("inspection", "not_object")
        return dict(errors)
    _check_object_keys(payload, INSPECTION_KEYS, "", errors)
    kinds = _check_header(payload, rubrics, errors, kinds)
    if "criteria" in payload:
        _check_criteria(payload["criteria"], kinds, errors)
    _check_photos(payload.get("photos"), kinds, errors)
    return dict(errors)


def household_reasons(payload: Mapping, subject: str,
                      household_group: int | None) -> dict[str, list[Reason]]:
    """The household of an inspection whose shape is valid, against its round's subject:
    a household round's inspection names a household of its group, a group round's none
    (null is none: pull sends it so, and a phone may push it back). household_group is
    the group of the named household if it is one of the caller's township, else None."""
    household_id = payload.get("household_id")
    if subject != HOUSEHOLD_SUBJECT:
        return {"household_id": [Reason("not_household_round")]} \
            if household_id is not None else {}
    if household_id is None:
        return {"household_id": [Reason("required")]}
    if household_group is None:
        return {"household_id": [Reason("unknown_household")]}
    if household_group != payload["group_id"]:
        return {"household_id": [Reason("household_not_in_group")]}
    return {}


def _item_targets(item_keys) -> dict:
    """"criterion.item" keys as {criterion: {item: None}}, the shape photo targets check."""
    targets = {}
    for key in item_keys:
        criterion, _, item = key.partition(".")
        targets.setdefault(criterion, {})[item] = None
    return targets


def _check_recheck_items(items, item_keys, errors) -> None:
    if not isinstance(items, dict):
        errors.add("items", "not_object")
        return
    for key, entry in items.items():
        path = _path("items", key)
        if item_keys is not None and key not in item_keys:
            errors.add(path, "unknown_item")
            continue
        if _check_entry(entry, RECHECK_ITEM_KEYS, "fixed", path, errors):
            _check_note(entry.get("note"), f"{path}.note", errors)


def recheck_reasons(payload, rectifications: Mapping) -> dict[str, list[Reason]]:
    """Field errors of one pushed recheck; an empty dict means valid.

    rectifications: the caller's township's, id → its item keys ("criterion.item").
    Items and photos must name items of the rectification rechecked."""
    errors = _Errors()
    if not isinstance(payload, dict):
        errors.add("recheck", "not_object")
        return dict(errors)
    _check_object_keys(payload, RECHECK_KEYS, "", errors)
    _check_revision(payload, errors)
    item_keys = None
    if "rectification_id" in payload:
        rectification_id = payload["rectification_id"]
        _check_int(rectification_id, "rectification_id", errors, minimum=1)
        if "rectification_id" not in errors:
            if rectification_id in rectifications:
                item_keys = set(rectifications[rectification_id])
            else:
                errors.add("rectification_id", "unknown_rectification")
    if "items" in payload:
        _check_recheck_items(payload["items"], item_keys, errors)
    photos = payload.get("photos")
    _check_photos(photos, None if item_keys is None else _item_targets(item_keys), errors)
    for index, photo in enumerate(photos if isinstance(photos, list) else ()):
        # An "after" photo shows one item: there is no general photo of a recheck.
        if isinstance(photo, dict) and "criterion" in photo and photo.get("item") is None:
            errors.add(f"photos.{index}.item", "required")
    return dict(errors)


def validate_inspection(payload, rubrics: Mapping) -> dict[str, list[str]]:
    """Field errors of one pushed inspection in English; an empty dict means valid."""
    return english(inspection_reasons(payload, rubrics))
