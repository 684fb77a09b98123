"""Evidence flags and distances (domain.md, "Evidence flags")."""
import math
from datetime import date, datetime, timedelta, timezone

import pytest

from sync.flags import (NEAR_DUPLICATE_DISTANCE, deductions_without_photo, inspection_flags,
                        phash_distance, photo_flags, void_deductions)
from sync.geo import distance_m

CST = timezone(timedelta(hours=8))
GROUP = (21.96, 100.45)
ROUND = dict(round_start=date(2026, 11, 1), round_end=date(2026, 11, 30))
RECEIVED = datetime(2026, 11, 6, 18, 0, tzinfo=CST)
ONE_DEGREE_M = math.pi / 180 * 6_371_008.8                     # 111,195 m


def photo(**changes):
    base = {"id": "p1", "criterion": "collection", "item": "bins", "source": "camera",
            "captured_at": "2026-11-05T09:05:00+08:00",
            "gps": {"lat": GROUP[0], "lon": GROUP[1], "accuracy_m": 8, "at": None}}
    base.update(changes)
    return base


def flags_of(p, **options):
    kwargs = dict(group_lat=GROUP[0], group_lon=GROUP[1], received_at=RECEIVED, **ROUND)
    kwargs.update(options)
    return photo_flags(p, **kwargs)


def test_distance():
    assert distance_m(21.96, 100.45, 21.96, 100.45) == 0.0
    assert distance_m(0, 100, 1, 100) == pytest.approx(ONE_DEGREE_M)
    assert distance_m(0, 0, 0, 1) == pytest.approx(ONE_DEGREE_M)      # on the equator
    assert distance_m(60, 0, 60, 1) == pytest.approx(ONE_DEGREE_M / 2, rel=1e-3)
    assert distance_m(10, 20, 30, 40) == distance_m(30, 40, 10, 20)
    assert distance_m(0, 0, 0, 180) == pytest.approx(math.pi * 6_371_008.8)


def test_a_good_photo_has_no_flags():
    assert flags_of(photo()) == []


def test_gallery_photo():
    assert flags_of(photo(source="gallery")) == ["gallery"]


@pytest.mark.parametrize("gps, expected", [
    (None, ["no_gps"]),
    ({"lat": GROUP[0], "lon": GROUP[1], "accuracy_m": 100, "at": None}, []),
    ({"lat": GROUP[0], "lon": GROUP[1], "accuracy_m": 150, "at": None}, ["gps_inaccurate"]),
    ({"lat": GROUP[0], "lon": GROUP[1], "accuracy_m": None, "at": None}, ["gps_inaccurate"]),
    ({"lat": GROUP[0] + 0.017, "lon": GROUP[1], "accuracy_m": 5}, []),                # 1.89 km
    ({"lat": GROUP[0] + 0.019, "lon": GROUP[1], "accuracy_m": 5}, ["far_from_group"]), # 2.11 km
])
def test_gps_flags(gps, expected):
    assert flags_of(photo(gps=gps)) == expected


def test_distance_limit_is_configurable_and_needs_a_reference_point():
    near = photo(gps={"lat": GROUP[0] + 0.005, "lon": GROUP[1], "accuracy_m": 5})  # 556 m
    assert flags_of(near, max_distance_m=500) == ["far_from_group"]
    far = photo(gps={"lat": 0.0, "lon": 0.0, "accuracy_m": 5})
    assert flags_of(far, group_lat=None, group_lon=None) == []


@pytest.mark.parametrize("captured_at, expected", [
    ("2026-10-31T23:30:00+08:00", ["outside_round"]),         # the day before, local time
    ("2026-10-31T16:30:00+00:00", []),                        # 00:30 on 1 Nov in the township
    ("2026-11-30T23:59:00+08:00", []),                        # still the last day
    ("2026-12-01T00:00:00+08:00", ["outside_round"]),
    (None, []),
])
def test_capture_time_outside_the_round(captured_at, expected):
    assert flags_of(photo(captured_at=captured_at), received_at=None) == expected


@pytest.mark.parametrize("offset, implausible", [
    (timedelta(minutes=9), False),                  # a phone clock a little fast
    (timedelta(minutes=11), True),                  # taken after the server had it
    (-timedelta(days=13), False),                   # offline for almost two weeks
    (-timedelta(days=15), True),                    # beyond what offline time explains
])
def test_implausible_device_clock(offset, implausible):
    captured = (RECEIVED + offset).isoformat()
    flags = flags_of(photo(captured_at=captured), round_start=None, round_end=None)
    assert flags == (["clock_implausible"] if implausible else [])
    relaxed = flags_of(photo(captured_at=captured), round_start=None, round_end=None,
                       clock_slack=timedelta(days=30))
    assert relaxed == (["clock_implausible"] if offset > timedelta(0) and implausible else [])



def test_the_round_s_days_are_the_township_s_whatever_the_phone_s_offset():
    """The capture's date is taken in the township's zone, be the phone's the same or not."""
    just_after = photo(captured_at="2026-11-01T00:30:00+08:00")
    assert flags_of(just_after, received_at=None) == []
    assert flags_of(just_after, received_at=None, tz=timezone(timedelta(hours=7))) == [
        "outside_round"]                                        # 23:30 on 31 Oct at +07:00


@pytest.mark.parametrize("captured_at, implausible", [
    ("2026-11-06T10:10:00Z", False), ("2026-11-06T10:10:00.000001Z", True),
    ("2026-11-06T18:10:00+08:00", False), ("2026-11-06T18:10:01+08:00", True),
    ("2026-10-23T18:00:00+08:00", False), ("2026-10-23T17:59:59+08:00", True),
])
def test_a_server_clock_in_utc_is_compared_to_the_phone_s_at_the_same_instant(
        captured_at, implausible):
    flags = flags_of(photo(captured_at=captured_at), round_start=None, round_end=None,
                     received_at=RECEIVED.astimezone(timezone.utc))
    assert flags == (["clock_implausible"] if implausible else [])

def test_several_flags_come_sorted():
    p = photo(source="gallery", gps=None, captured_at="2026-10-01T10:00:00+08:00")
    assert flags_of(p) == ["clock_implausible", "gallery", "no_gps", "outside_round"]


def inspection(**changes):
    base = {"started_at": "2026-11-05T09:00:00+08:00", "finished_at": "2026-11-05T09:30:00+08:00",
            "criteria": {"collection": {"na": False, "deductions": {"bins": 2, "litter": 0}},
                         "toilets": {"na": True, "deductions": {"open_pit": 1}}},
            "photos": [{"id": "p1", "criterion": "collection", "item": "bins"},
                       {"id": "p2", "criterion": "collection", "item": "bins"},
                       {"id": "p3", "criterion": "roads", "item": None}]}
    base.update(changes)
    return base


def test_a_good_inspection_has_no_flags():
    assert inspection_flags(inspection(), assigned=True, **ROUND) == []


def test_inspection_flags():
    late = inspection(finished_at="2026-12-01T08:00:00+08:00")
    assert inspection_flags(late, assigned=False, **ROUND) == ["not_assigned", "outside_round"]
    bare = inspection(photos=[{"id": "p9", "criterion": "collection", "item": None}])
    assert inspection_flags(bare, assigned=True, **ROUND) == ["no_evidence"]


def test_deductions_without_photo_ignore_na_criteria_and_zero_counts():
    criteria = {"collection": {"deductions": {"bins": 2, "litter": 1}},
                "toilets": {"na": True, "deductions": {"open_pit": 1}},
                "roads": {"deductions": {"road_dirty": 0}}}
    assert deductions_without_photo(inspection(criteria=criteria)) == [("collection", "litter")]


def test_void_deductions_need_every_supporting_photo_rejected():
    assert void_deductions(inspection(), {"p1"}) == frozenset()
    assert void_deductions(inspection(), {"p1", "p2"}) == {("collection", "bins")}
    no_photo = inspection(photos=[])
    assert void_deductions(no_photo, {"p1", "p2"}) == frozenset()   # flagged, not void


def test_phash_distance():
    assert NEAR_DUPLICATE_DISTANCE == 10
    assert phash_distance("ff", "00") == 8
    assert phash_distance("0f0f", "0e0f") == 1
    assert phash_distance("c3d2a1b0e4f5a6b7", "c3d2a1b0e4f5a6b7") == 0
    assert phash_distance("ABCD", "abcd") == 0
    assert phash_distance("", "") == 0
    for a, b in (("ff", "fff"), ("0x1f", "0x2f"), ("1_23", "1234"), ("zz", "00")):
        with pytest.raises(ValueError):
            phash_distance(a, b)
