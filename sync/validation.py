"""Validation of one pushed inspection or recheck (sync-protocol.md, "Push").

Only checks that need no database live here; the server still checks that
round_id and group_id are known and in the caller's township, and hands in the
township's rectifications for a recheck.
Errors are {dotted.path: [Reason]} (sync.reasons: a code with parameters, and its
short English text); nothing here ever raises on JSON-shaped input, because bad input
must become a `rejected` result, never a 500.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from functools import cache
from typing import Mapping

from .ids import is_sha256, is_uuid
from .reasons import Reason, english
from .rubric import EACH
from .states import HOUSEHOLD_SUBJECT

MAX_NOTE_CHARS = 10_000
MAX_COUNT = 999
# Ids, revisions and sizes end up in BIGINT columns; larger values would be a 500.
MAX_INT = 2**63 - 1
# Revisions and versions live in INTEGER columns (PostgreSQL: 32 bits).
MAX_REVISION = 2**31 - 1
MIMES = ("image/jpeg", "image/png", "image/webp")
# The times a record may carry: any clock's, even one reset to 1970, but none whose day
# before or after, or whose date in the township, falls outside years 1..9999 (where
# Python's dates end: the pages and the rules would fail on it).
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(3000, 1, 1, tzinfo=timezone.utc)
SOURCES = ("camera", "gallery")


class _Keys:
    """The keys an object may carry: the required ones in the order their absence is
    reported, and as sets, against which a push's thousands of objects are checked."""
    __slots__ = ("required", "needed", "allowed")

    def __init__(self, required: tuple, optional: tuple):
        self.required = required
        self.needed, self.allowed = frozenset(required), frozenset(required + optional)


_OPTIONAL = ("gps", "note", "photos", "household_id")  # absent: null, "", [] and null
_INSPECTION = _Keys(("id", "client_rev", "base_version", "round_id", "group_id",
                     "rubric_version", "status", "started_at", "finished_at", "criteria"),
                    _OPTIONAL)
_CRITERION = _Keys((), ("na", "deductions", "note"))
_RECHECK = _Keys(("id", "client_rev", "base_version", "rectification_id", "started_at",
                  "finished_at", "items"), _OPTIONAL)
_RECHECK_ITEM = _Keys(("fixed",), ("note",))
_GPS = _Keys(("lat", "lon"), ("accuracy_m", "at"))
_PHOTO = _Keys(("id", "sha256", "size", "mime", "width", "height", "criterion", "source"),
               ("item", "captured_at", "gps"))


class _Errors(dict):
    def add(self, path: str, code: str, **params) -> None:
        self.setdefault(path, []).append(Reason(code, params))


def parse_time(value) -> datetime | None:
    """An aware datetime from an ISO 8601 string with offset; None otherwise."""
    if not isinstance(value, str) or not 10 <= len(value) <= 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:   # fromisoformat gives a fixed offset or none at all
        return None
    # An offset is less than a day, so a local year strictly between the window's ends
    # is inside it: only a time near an end needs the slower exact check below (every
    # pushed record carries several times).
    if EARLIEST.year < parsed.year < LATEST.year - 1:
        return parsed
    try:
        utc = parsed.astimezone(timezone.utc)  # OverflowError: before year 1 or after 9999
    except OverflowError:
        return None
    return parsed if EARLIEST <= utc < LATEST else None


def _is_int(value) -> bool:
    # bool is a subclass of int in Python, but `true` is not a number in the contract.
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


def _is_number(value) -> bool:
    # JSON parsers in Python accept NaN and Infinity; they are not coordinates. An integer
    # is always finite (math.isfinite would fail on one too large for a float).
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _path(prefix: str, key) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _check_object_keys(obj: Mapping, keys: _Keys, prefix: str, errors: _Errors) -> None:
    present = obj.keys()
    if present <= keys.allowed and present >= keys.needed:   # most objects: say it fast
        return
    for key in obj:
        if key not in keys.allowed:
            errors.add(_path(prefix, key), "unknown_key")
    for key in keys.required:
        if key not in obj:
            errors.add(_path(prefix, key), "required")


@cache
def _keys_of(required: tuple, optional: tuple) -> _Keys:
    return _Keys(required, optional)


def _check_keys(obj: Mapping, required: tuple, optional: tuple, prefix: str,
                errors: _Errors) -> None:
    """The same check for records whose keys are given as tuples (points entries)."""
    _check_object_keys(obj, _keys_of(required, optional), prefix, errors)


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
    if _plain_gps(gps):   # null too
        return
    if not isinstance(gps, dict):
        errors.add(path, "not_object_or_null")
        return
    _check_object_keys(gps, _GPS, path, errors)
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


# A push checks thousands of criteria, photos and GPS fixes, nearly all of them valid.
# Each is first put to a plain test that builds no path and no reason and only answers
# "nothing to report"; what it does not pass goes through the checks that say what is
# wrong. A plain test must pass nothing those checks would refuse: `type(x) is int`
# leaves bool (and any other subclass of int) to them, and NaN fails every comparison.
_NUMBER_TYPES = (int, float)
_NO_DEDUCTIONS: dict = {}


def _plain_note(note) -> bool:
    return note is None or (type(note) is str and len(note) <= MAX_NOTE_CHARS
                            and "\x00" not in note)


def _plain_criterion(entry, item_kinds) -> bool:
    if type(entry) is not dict or not entry.keys() <= _CRITERION.allowed:
        return False
    na = entry.get("na", False)
    counts = entry.get("deductions", _NO_DEDUCTIONS)
    if (na is not True and na is not False) or type(counts) is not dict \
            or not _plain_note(entry.get("note")):
        return False
    for item_key, count in counts.items():
        if type(count) is not int or count < 0:
            return False
        if item_kinds is None:
            if count > MAX_COUNT:
                return False
        elif item_key not in item_kinds or count > (
                MAX_COUNT if item_kinds[item_key] == EACH else 1):
            return False
    return True


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
        if not _plain_criterion(entry, item_kinds):
            _check_criterion(entry, item_kinds, f"criteria.{key}", errors)


def _check_entry(entry, keys: _Keys, boolean: str, path, errors) -> bool:
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
    if not _check_entry(entry, _CRITERION, "na", path, errors):
        return
    if "deductions" in entry:
        _check_counts(entry["deductions"], item_kinds, f"{path}.deductions", errors)
    _check_note(entry.get("note"), f"{path}.note", errors)


def _plain_gps(gps) -> bool:
    if gps is None:
        return True
    if type(gps) is not dict:
        return False
    present = gps.keys()
    if not (present <= _GPS.allowed and present >= _GPS.needed):
        return False
    lat, lon, accuracy, at = gps["lat"], gps["lon"], gps.get("accuracy_m"), gps.get("at")
    return type(lat) in _NUMBER_TYPES and -90 <= lat <= 90 \
        and type(lon) in _NUMBER_TYPES and -180 <= lon <= 180 \
        and (accuracy is None or (type(accuracy) is int and accuracy >= 0)
             or (type(accuracy) is float and 0 <= accuracy < math.inf)) \
        and (at is None or parse_time(at) is not None)


def _plain_photo(photo, kinds) -> bool:
    present = photo.keys()
    if not (present <= _PHOTO.allowed and present >= _PHOTO.needed):
        return False
    size, width, height = photo["size"], photo["width"], photo["height"]
    captured, criterion, item = photo.get("captured_at"), photo["criterion"], photo.get("item")
    if not (type(size) is int and 1 <= size <= MAX_INT and type(width) is int
            and 0 <= width <= MAX_INT and type(height) is int and 0 <= height <= MAX_INT
            and is_uuid(photo["id"]) and is_sha256(photo["sha256"])
            and photo["mime"] in MIMES and photo["source"] in SOURCES
            and (captured is None or parse_time(captured) is not None)
            and _plain_gps(photo.get("gps"))
            and type(criterion) is str and (item is None or type(item) is str)):
        return False
    if kinds is None:
        return True
    items = kinds.get(criterion)
    return items is not None and (item is None or item in items)


def _check_photo(photo, path, kinds, errors) -> None:
    _check_object_keys(photo, _PHOTO, path, errors)
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
        if type(photo) is dict and _plain_photo(photo, kinds):
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
    _check_object_keys(payload, _INSPECTION, "", errors)
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
        if _check_entry(entry, _RECHECK_ITEM, "fixed", path, errors):
            _check_note(entry.get("note"), f"{path}.note", errors)


def recheck_reasons(payload, rectifications: Mapping) -> dict[str, list[Reason]]:
    """Field errors of one pushed recheck; an empty dict means valid.

    rectifications: the caller's township's, id → its item keys ("criterion.item").
    Items and photos must name items of the rectification rechecked."""
    errors = _Errors()
    if not isinstance(payload, dict):
        errors.add("recheck", "not_object")
        return dict(errors)
    _check_object_keys(payload, _RECHECK, "", errors)
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
