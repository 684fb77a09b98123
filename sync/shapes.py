"""What the parts of a pushed record may be (sync-protocol.md, "Push"): the keys of each
object, the bounds of its numbers and times, and plain tests that pass a part with
nothing wrong at once. sync/validation.py says what is wrong with a part that fails them.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone

from .ids import is_sha256, is_uuid
from .rubric import EACH

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


class Keys:
    """The keys an object may carry: the required ones in the order their absence is
    reported, and as sets, against which a push's thousands of objects are checked."""
    __slots__ = ("required", "needed", "allowed")

    def __init__(self, required: tuple, optional: tuple):
        self.required = required
        self.needed, self.allowed = frozenset(required), frozenset(required + optional)


OPTIONAL = ("gps", "note", "photos", "household_id")  # absent: null, "", [] and null
INSPECTION_KEYS = Keys(("id", "client_rev", "base_version", "round_id", "group_id",
                        "rubric_version", "status", "started_at", "finished_at", "criteria"),
                       OPTIONAL)
CRITERION_KEYS = Keys((), ("na", "deductions", "note"))
RECHECK_KEYS = Keys(("id", "client_rev", "base_version", "rectification_id", "started_at",
                     "finished_at", "items"), OPTIONAL)
RECHECK_ITEM_KEYS = Keys(("fixed",), ("note",))
GPS_KEYS = Keys(("lat", "lon"), ("accuracy_m", "at"))
PHOTO_KEYS = Keys(("id", "sha256", "size", "mime", "width", "height", "criterion", "source"),
                  ("item", "captured_at", "gps"))


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


# A push checks thousands of criteria, photos and GPS fixes, nearly all of them valid.
# Each is first put to a plain test that builds no path and no reason and only answers
# "nothing to report"; what it does not pass goes through the checks that say what is
# wrong. A plain test must pass nothing those checks would refuse: `type(x) is int`
# leaves bool (and any other subclass of int) to them, and NaN fails every comparison.
_NUMBER_TYPES = (int, float)
_NO_DEDUCTIONS: dict = {}


def plain_note(note) -> bool:
    return note is None or (type(note) is str and len(note) <= MAX_NOTE_CHARS
                            and "\x00" not in note)


def plain_criterion(entry, item_kinds) -> bool:
    if type(entry) is not dict or not entry.keys() <= CRITERION_KEYS.allowed:
        return False
    na = entry.get("na", False)
    counts = entry.get("deductions", _NO_DEDUCTIONS)
    if (na is not True and na is not False) or type(counts) is not dict \
            or not plain_note(entry.get("note")):
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


def plain_gps(gps) -> bool:
    if gps is None:
        return True
    if type(gps) is not dict:
        return False
    present = gps.keys()
    if not (present <= GPS_KEYS.allowed and present >= GPS_KEYS.needed):
        return False
    lat, lon, accuracy, at = gps["lat"], gps["lon"], gps.get("accuracy_m"), gps.get("at")
    return type(lat) in _NUMBER_TYPES and -90 <= lat <= 90 \
        and type(lon) in _NUMBER_TYPES and -180 <= lon <= 180 \
        and (accuracy is None or (type(accuracy) is int and accuracy >= 0)
             or (type(accuracy) is float and 0 <= accuracy < math.inf)) \
        and (at is None or parse_time(at) is not None)


def plain_photo(photo, kinds) -> bool:
    present = photo.keys()
    if not (present <= PHOTO_KEYS.allowed and present >= PHOTO_KEYS.needed):
        return False
    size, width, height = photo["size"], photo["width"], photo["height"]
    captured, criterion, item = photo.get("captured_at"), photo["criterion"], photo.get("item")
    if not (type(size) is int and 1 <= size <= MAX_INT and type(width) is int
            and 0 <= width <= MAX_INT and type(height) is int and 0 <= height <= MAX_INT
            and is_uuid(photo["id"]) and is_sha256(photo["sha256"])
            and photo["mime"] in MIMES and photo["source"] in SOURCES
            and (captured is None or parse_time(captured) is not None)
            and plain_gps(photo.get("gps"))
            and type(criterion) is str and (item is None or type(item) is str)):
        return False
    if kinds is None:
        return True
    items = kinds.get(criterion)
    return items is not None and (item is None or item in items)
