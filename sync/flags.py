"""Evidence flags for supervisors (domain.md, "Evidence flags").

Flags never refuse anything: a flagged photo or inspection is stored and counted,
and a supervisor decides. Flags the database must compute (same SHA-256 elsewhere,
near-duplicates, push conflicts) are only named here so every part spells them alike.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Mapping

from .clock import TOWNSHIP_TZ
from .geo import distance_m
from .shapes import parse_time


GALLERY = "gallery"
NO_GPS = "no_gps"
GPS_INACCURATE = "gps_inaccurate"
FAR_FROM_GROUP = "far_from_group"
OUTSIDE_ROUND = "outside_round"
CLOCK_IMPLAUSIBLE = "clock_implausible"
NOT_ASSIGNED = "not_assigned"
NO_EVIDENCE = "no_evidence"
# Set by the server, which has the database / the merge result:
DUPLICATE = "duplicate"            # same SHA-256 in another inspection
NEAR_DUPLICATE = "near_duplicate"  # perceptual hash within NEAR_DUPLICATE_DISTANCE, other group
CONFLICT = "conflict"              # a push conflicted; a supervisor must resolve it
FLAGGED_PHOTO = "photo_flags"      # an inspection with a flagged photo, for review queues
LATE = "late"                      # pushed once its round was closed: counted only if admitted
RECTIFICATION_CLOSED = "rectification_closed"  # a recheck of a rectification already closed
UNREADABLE = "unreadable"          # the bytes arrived whole but do not decode as an image

# Every code, by what carries it (pages filter and label by these).
INSPECTION_FLAGS = (NO_EVIDENCE, NOT_ASSIGNED, OUTSIDE_ROUND, CONFLICT, FLAGGED_PHOTO, LATE)
RECHECK_FLAGS = (CONFLICT, RECTIFICATION_CLOSED)
PHOTO_FLAGS = (GALLERY, NO_GPS, GPS_INACCURATE, FAR_FROM_GROUP, OUTSIDE_ROUND,
               CLOCK_IMPLAUSIBLE, DUPLICATE, NEAR_DUPLICATE, UNREADABLE)

MAX_ACCURACY_M = 100
_HEX = re.compile(r"[0-9a-fA-F]*")
NEAR_DUPLICATE_DISTANCE = 10
# A phone clock a few minutes fast is normal (no network time in the villages); a
# photo taken well after the server received it is not.
CLOCK_AHEAD = timedelta(minutes=10)
# Inspectors stay offline for days, so a photo may reach the server long after it was
# taken; beyond two weeks the device clock (reset to a default date after a flat
# battery, or set by hand) is the likelier explanation.
CLOCK_SLACK = timedelta(hours=14 * 24)


def _local_date(moment: datetime, tz: timezone) -> date:
    # A phone in the township sends its own offset: its wall clock's date is the
    # township's, with no conversion (which costs more than the rest of the flag).
    return moment.date() if moment.tzinfo == tz else moment.astimezone(tz).date()


def _outside(moment: datetime | None, start: date | None, end: date | None, tz) -> bool:
    if moment is None:
        return False
    day = _local_date(moment, tz)
    return (start is not None and day < start) or (end is not None and day > end)


def _gps_flags(gps, group_lat, group_lon, max_distance_m) -> list:
    # dict first: it is what a push holds, and the check against the ABC is slow
    if not (isinstance(gps, dict) or isinstance(gps, Mapping)) or gps.get("lat") is None \
            or gps.get("lon") is None:
        return [NO_GPS]
    flags = []
    accuracy = gps.get("accuracy_m")
    # Unknown accuracy cannot be trusted any more than a bad one.
    if accuracy is None or accuracy > MAX_ACCURACY_M:
        flags.append(GPS_INACCURATE)
    if group_lat is not None and group_lon is not None and \
            distance_m(gps["lat"], gps["lon"], group_lat, group_lon) > max_distance_m:
        flags.append(FAR_FROM_GROUP)
    return flags


def _clock_implausible(captured: datetime, received_at: datetime | None,
                       clock_slack: timedelta) -> bool:
    if received_at is None:
        return False
    # Times in different zones compare slowly (each side's offset is taken and applied);
    # the server's clock is in UTC, and so, converted once, is the capture.
    captured = captured.astimezone(timezone.utc)
    return captured > received_at + CLOCK_AHEAD or captured < received_at - clock_slack


def photo_flags(photo: Mapping, *, group_lat: float | None, group_lon: float | None,
                round_start: date | None, round_end: date | None,
                received_at: datetime | None, max_distance_m: float = 2000,
                clock_slack: timedelta = CLOCK_SLACK, tz: timezone = TOWNSHIP_TZ) -> list:
    """Sorted flag codes of one photo record. A photo without captured_at gets no
    time flags: there is nothing to compare (gallery pictures often lack it)."""
    flags = _gps_flags(photo.get("gps"), group_lat, group_lon, max_distance_m)
    if photo.get("source") == GALLERY:
        flags.append(GALLERY)
    captured = parse_time(photo.get("captured_at"))
    if captured is not None:
        if _outside(captured, round_start, round_end, tz):
            flags.append(OUTSIDE_ROUND)
        if _clock_implausible(captured, received_at, clock_slack):
            flags.append(CLOCK_IMPLAUSIBLE)
    return sorted(flags)


def _counted_deductions(inspection: Mapping) -> list:
    """[(criterion, item)] with a count ≥ 1 in an applicable criterion, sorted."""
    return sorted([(key, item) for key, entry in (inspection.get("criteria") or {}).items()
                   if not entry.get("na")
                   for item, count in (entry.get("deductions") or {}).items() if count])


def deductions_without_photo(inspection: Mapping) -> list:
    """Deductions that arrived with no photo naming their (criterion, item)."""
    shown = {(p.get("criterion"), p.get("item")) for p in inspection.get("photos") or []}
    return [d for d in _counted_deductions(inspection) if d not in shown]


def void_deductions(inspection: Mapping, rejected_photo_ids: Iterable) -> frozenset:
    """Deductions whose every supporting photo was rejected: no evidence, no deduction.
    A deduction with no photo at all is not void (it is flagged no_evidence instead)."""
    rejected = set(rejected_photo_ids)
    support = {}
    for photo in inspection.get("photos") or []:
        key = (photo.get("criterion"), photo.get("item"))
        support.setdefault(key, []).append(photo.get("id") in rejected)
    return frozenset(d for d in _counted_deductions(inspection)
                     if d in support and all(support[d]))


def inspection_flags(inspection: Mapping, *, assigned: bool, round_start: date | None,
                     round_end: date | None, tz: timezone = TOWNSHIP_TZ) -> list:
    """Sorted flag codes of one inspection ("conflict" is the server's to add)."""
    flags = []
    if not assigned:
        flags.append(NOT_ASSIGNED)
    times = (parse_time(inspection.get("started_at")), parse_time(inspection.get("finished_at")))
    if any(_outside(t, round_start, round_end, tz) for t in times):
        flags.append(OUTSIDE_ROUND)
    if deductions_without_photo(inspection):
        flags.append(NO_EVIDENCE)
    return sorted(flags)


def phash_distance(a_hex: str, b_hex: str) -> int:
    """Hamming distance between two perceptual hashes written as hex of equal length."""
    # int(x, 16) alone would also take "0x", "_" and spaces; a hash has none of those.
    if not all(_HEX.fullmatch(h) for h in (a_hex, b_hex)):
        raise ValueError("hashes must be hex strings")
    if len(a_hex) != len(b_hex):
        raise ValueError("hashes differ in length")
    if not a_hex:
        return 0
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()
