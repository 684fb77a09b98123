"""The plain tests (sync/shapes.py) pass a pushed part at once only when the checks that
explain what is wrong (sync/validation.py) would find nothing: the two say the same rule
twice, one fast and one that explains, and here they are held to each other. Each valid
part is tried with each of its keys missing, or given each value of every type and at
and beyond each bound, and with a key no part has; the plain tests are conjunctions, so
one wrong value at a time finds any bound they draw differently."""
import math

import pytest

from sync.rubric import EACH, ONCE
from sync.shapes import MAX_INT, plain_criterion, plain_gps, plain_photo
from sync.validation import _check_criterion, _check_photo, _Errors, _explain_gps

KINDS = {"collection": {"bins": EACH, "litter": ONCE}, "roads": {}}
TIME = "2026-11-20T09:00:00+08:00"
# Times at and beyond the bounds of what a record may carry (years 1900..2999 in UTC).
TIMES = [TIME, "2026-11-20T09:00:00", "2026-13-01T00:00:00Z", "1899-12-31T23:30:00-01:00",
         "1900-01-01T00:30:00+01:00", "2999-12-31T23:30:00+01:00",
         "2999-12-31T23:30:00-01:00", "0001-01-01T00:00:00+00:00"]


def near(*bounds):
    return [edge for bound in bounds for edge in (bound - 1, bound - 0.5, bound, bound + 0.5,
                                                  bound + 1)]


ODD = [None, True, False, 0, 1, 2, 998, 999, 1000, 2**31 - 1, 10**400, 0.0, -0.0, math.nan,
       math.inf, -math.inf, "", "x", "\x00", "x" * 10_000, "x" * 10_001, [], {},
       *near(-180, -90, -1, 50, 90, 180, MAX_INT), *TIMES,
       "A" * 64, "a" * 63, "image/gif", "image/webp", "gallery", "scanner",
       "collection", "roads", "unknown", "bins", "litter", {"bins": 1}, {"bins": -1},
       {"bins": 1000}, {"litter": 2}, {"other": 1}, {"bins": True}, {"bins": 1.0}]
GPS = {"lat": 21.9, "lon": 100.4, "accuracy_m": 10, "at": TIME}
CRITERION = {"na": False, "deductions": {"bins": 2, "litter": 1}, "note": "mud"}
PHOTO = {"id": "0b6d4cde-2f5e-4d1e-8a5b-0c1e2d3f4a5b", "sha256": "a" * 64, "size": 400_000,
         "mime": "image/jpeg", "width": 1600, "height": 1200, "criterion": "collection",
         "item": "bins", "source": "camera", "captured_at": TIME, "gps": GPS}


def one_wrong(part: dict) -> list[dict]:
    """The part with one key missing, or one value replaced, or one key added."""
    variants = [{k: v for k, v in part.items() if k != key} for key in part]
    variants += [{**part, key: value} for key in part for value in ODD]
    variants += [{**part, key: {**part[key], inner: value}}
                 for key in part if type(part[key]) is dict
                 for inner in part[key] for value in ODD]
    return variants + [{**part, "extra": 1}]


def explained(check, *args) -> dict:
    errors = _Errors()
    check(*args, errors)
    return errors


def test_a_gps_fix_passed_at_once_has_nothing_wrong():
    passed = [fix for fix in one_wrong(GPS) if plain_gps(fix)]
    assert passed and len(passed) < len(one_wrong(GPS))
    for fix in passed:
        assert explained(_explain_gps, fix, "gps") == {}, fix


@pytest.mark.parametrize("kinds", [KINDS["collection"], None])
def test_a_criterion_passed_at_once_has_nothing_wrong(kinds):
    passed = [entry for entry in one_wrong(CRITERION) if plain_criterion(entry, kinds)]
    assert passed
    for entry in passed:
        assert explained(_check_criterion, entry, kinds, "criteria.collection") == {}, entry


@pytest.mark.parametrize("kinds", [KINDS, None])
def test_a_photo_passed_at_once_has_nothing_wrong(kinds):
    passed = [photo for photo in one_wrong(PHOTO) if plain_photo(photo, kinds)]
    assert passed
    for photo in passed:
        assert explained(_check_photo, photo, "photos.0", kinds) == {}, photo
