"""Validation of pushed inspections (sync-protocol.md, "Push", Validation)."""
import copy
from datetime import timedelta

import pytest

from sync.rubric import DEFAULT_RUBRIC
from sync.reasons import Reason
from sync.validation import inspection_reasons, parse_time, validate_inspection

RUBRICS = {1: DEFAULT_RUBRIC}
SHA = "ab" * 32
GOOD = {
    "id": "0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6071",
    "client_rev": 3,
    "base_version": None,
    "round_id": 1,
    "group_id": 12,
    "rubric_version": 1,
    "status": "submitted",
    "started_at": "2026-11-05T09:00:00+08:00",
    "finished_at": "2026-11-05T09:40:00+08:00",
    "gps": {"lat": 21.96, "lon": 100.45, "accuracy_m": 12.5, "at": "2026-11-05T09:01:00+08:00"},
    "criteria": {
        "collection": {"na": False, "deductions": {"bins": 3, "open_burning": 0}, "note": "x"},
        "toilets": {"na": True, "deductions": {}, "note": ""},
    },
    "note": "晴天",
    "photos": [{
        "id": "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b", "sha256": SHA, "size": 412000,
        "mime": "image/jpeg", "width": 1600, "height": 1200, "criterion": "collection",
        "item": "bins", "captured_at": "2026-11-05T09:05:00+08:00",
        "gps": {"lat": 21.96, "lon": 100.45, "accuracy_m": 8, "at": None},
        "source": "camera"}],
}


def good():
    return copy.deepcopy(GOOD)


def setter(path, value):
    """A mutation that sets a dotted path (list indexes as numbers) to value."""
    def mutate(payload):
        *parents, last = path.split(".")
        node = payload
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value
    return mutate


def deleter(path):
    def mutate(payload):
        *parents, last = path.split(".")
        node = payload
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]
    return mutate


def second_photo_with_same_id(payload):
    payload["photos"].append(dict(payload["photos"][0], sha256="cd" * 32))


BAD = [
    (setter("id", "not-a-uuid"), "id"),
    (setter("id", "0192F3C4-5D6E-7F80-9A1B-2C3D4E5F6071"), "id"),   # uppercase
    (setter("id", "0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6071\n"), "id"),
    (setter("id", 5), "id"),
    (deleter("id"), "id"),
    (setter("client_rev", 0), "client_rev"),
    (setter("client_rev", True), "client_rev"),
    (setter("client_rev", 1.0), "client_rev"),
    (setter("client_rev", "3"), "client_rev"),
    (setter("client_rev", 2**63), "client_rev"),
    (deleter("client_rev"), "client_rev"),
    (setter("base_version", "2"), "base_version"),
    (setter("base_version", -1), "base_version"),
    (deleter("base_version"), "base_version"),
    (deleter("round_id"), "round_id"),
    (setter("round_id", "1"), "round_id"),
    (setter("group_id", None), "group_id"),
    (setter("group_id", False), "group_id"),
    (setter("rubric_version", 2), "rubric_version"),
    (setter("rubric_version", "1"), "rubric_version"),
    (deleter("rubric_version"), "rubric_version"),
    (setter("status", "draft"), "status"),
    (deleter("status"), "status"),
    (setter("started_at", "2026-11-05T09:00:00"), "started_at"),        # naive
    (setter("started_at", "yesterday"), "started_at"),
    (setter("started_at", 1730768400), "started_at"),
    (deleter("finished_at"), "finished_at"),
    (setter("finished_at", "2026-11-05T08:59:59+08:00"), "finished_at"),  # before start
    (setter("gps", [21.9, 100.4]), "gps"),
    (setter("gps.lat", 90.5), "gps.lat"),
    (setter("gps.lat", "21.9"), "gps.lat"),
    (setter("gps.lat", float("nan")), "gps.lat"),
    (setter("gps.lon", -180.01), "gps.lon"),
    (deleter("gps.lon"), "gps.lon"),
    (setter("gps.accuracy_m", -1), "gps.accuracy_m"),
    (setter("gps.at", "noon"), "gps.at"),
    (setter("gps.alt", 1200), "gps.alt"),
    (setter("criteria", []), "criteria"),
    (deleter("criteria"), "criteria"),
    (setter("criteria.kitchens", {}), "criteria.kitchens"),
    (setter("criteria.collection", 3), "criteria.collection"),
    (setter("criteria.collection.na", "no"), "criteria.collection.na"),
    (setter("criteria.collection.colour", "red"), "criteria.collection.colour"),
    (setter("criteria.collection.deductions", [3]), "criteria.collection.deductions"),
    (setter("criteria.collection.deductions.cats", 1), "criteria.collection.deductions.cats"),
    (setter("criteria.collection.deductions.open_pit", 1),
     "criteria.collection.deductions.open_pit"),                     # item of another criterion
    (setter("criteria.collection.deductions.bins", -1), "criteria.collection.deductions.bins"),
    (setter("criteria.collection.deductions.bins", 1000), "criteria.collection.deductions.bins"),
    (setter("criteria.collection.deductions.bins", 1.5), "criteria.collection.deductions.bins"),
    (setter("criteria.collection.deductions.bins", True), "criteria.collection.deductions.bins"),
    (setter("criteria.collection.deductions.open_burning", 2),
     "criteria.collection.deductions.open_burning"),                 # veto: 0 or 1
    (setter("criteria.cleaning", {"deductions": {"no_cleaner": 2}}),
     "criteria.cleaning.deductions.no_cleaner"),                     # once: 0 or 1
    (setter("criteria.collection.note", "x" * 10_001), "criteria.collection.note"),
    (setter("criteria.collection.note", 7), "criteria.collection.note"),
    (setter("note", "字" * 10_001), "note"),
    (setter("note", ["x"]), "note"),
    (setter("photos", {}), "photos"),
    (setter("photos.0", "photo.jpg"), "photos.0"),
    (setter("photos.0.id", "x"), "photos.0.id"),
    (deleter("photos.0.id"), "photos.0.id"),
    (second_photo_with_same_id, "photos.1.id"),
    (setter("photos.0.sha256", SHA.upper()), "photos.0.sha256"),
    (setter("photos.0.sha256", SHA[:-1]), "photos.0.sha256"),
    (setter("photos.0.sha256", None), "photos.0.sha256"),
    (setter("photos.0.size", 0), "photos.0.size"),
    (setter("photos.0.size", "412000"), "photos.0.size"),
    (setter("photos.0.mime", "image/gif"), "photos.0.mime"),
    (deleter("photos.0.mime"), "photos.0.mime"),
    (setter("photos.0.width", -1), "photos.0.width"),
    (setter("photos.0.height", 1200.5), "photos.0.height"),
    (setter("photos.0.criterion", "kitchens"), "photos.0.criterion"),
    (setter("photos.0.criterion", None), "photos.0.criterion"),
    (setter("photos.0.item", "open_pit"), "photos.0.item"),
    (setter("photos.0.item", 3), "photos.0.item"),
    (setter("photos.0.captured_at", "2026-11-05"), "photos.0.captured_at"),
    (setter("photos.0.gps", {"lat": 100, "lon": 0}), "photos.0.gps.lat"),
    (setter("photos.0.gps.speed", 3), "photos.0.gps.speed"),
    (setter("photos.0.source", "screenshot"), "photos.0.source"),
    (setter("photos.0.exif", {}), "photos.0.exif"),
    (setter("criteria.collection.na", 1), "criteria.collection.na"),       # 1 is not true
    (setter("criteria.collection.deductions", None), "criteria.collection.deductions"),
    (setter("criteria.collection.note", "a\x00b"), "criteria.collection.note"),
    (setter("gps.lat", True), "gps.lat"),
    (setter("gps.accuracy_m", float("inf")), "gps.accuracy_m"),
    (setter("gps.accuracy_m", True), "gps.accuracy_m"),
    (setter("photos.0.gps.at", "noon"), "photos.0.gps.at"),
    (setter("photos.0.gps.accuracy_m", float("nan")), "photos.0.gps.accuracy_m"),
    (setter("photos.0.size", 2**63), "photos.0.size"),
    (setter("photos.0.width", True), "photos.0.width"),
    (deleter("photos.0.criterion"), "photos.0.criterion"),
    (setter("photos.0.source", None), "photos.0.source"),
    (setter("client_id", "abc"), "client_id"),
    (setter("version", 3), "version"),
]


def test_the_good_payload_is_valid():
    assert validate_inspection(good(), RUBRICS) == {}


@pytest.mark.parametrize(
    "payload_change",
    [setter("gps", None), setter("photos.0.item", None), setter("photos.0.gps", None),
     setter("photos.0.captured_at", None), setter("photos.0.source", "gallery"),
     setter("photos.0.mime", "image/webp"), setter("photos.0.width", 0),
     setter("base_version", 4), setter("note", None), setter("note", "x" * 10_000),
     setter("criteria", {}), setter("photos", []), deleter("photos"), deleter("note"),
     deleter("gps"), deleter("photos.0.item"), setter("criteria.roads", {}),
     setter("started_at", "2026-11-05T01:00:00Z"),                   # 09:00+08:00, same instant
     setter("finished_at", "2026-11-05T09:00:00+08:00"),             # equal to the start
     setter("criteria.collection.deductions.bins", 999),
     setter("criteria.collection.deductions.open_burning", 1),
     setter("gps.accuracy_m", None), deleter("gps.at")],
)
def test_allowed_variations(payload_change):
    payload = good()
    payload_change(payload)
    assert validate_inspection(payload, RUBRICS) == {}


@pytest.mark.parametrize("mutate, path", BAD)
def test_each_rule_reports_its_field(mutate, path):
    payload = good()
    mutate(payload)
    errors = validate_inspection(payload, RUBRICS)
    assert path in errors, errors
    assert set(errors) == {path}          # one mistake, one error: nothing spills over
    assert all(isinstance(m, str) and m for m in errors[path])


def test_errors_are_short_phrases():
    payload = good()
    setter("criteria.collection.deductions.bins", 1000)(payload)
    setter("photos.0.sha256", "zz")(payload)
    assert validate_inspection(payload, RUBRICS) == {
        "criteria.collection.deductions.bins": ["must be at most 999"],
        "photos.0.sha256": ["must be 64 lowercase hex characters"],
    }


@pytest.mark.parametrize("mutate, path", BAD)
def test_each_error_is_a_code_whose_english_is_the_error(mutate, path):
    payload = good()
    mutate(payload)
    reasons = inspection_reasons(payload, RUBRICS)
    assert set(reasons) == {path}
    assert all(isinstance(r, Reason) for r in reasons[path])
    assert [r.english for r in reasons[path]] == validate_inspection(payload, RUBRICS)[path]


@pytest.mark.parametrize("mutate, path, reason", [
    (setter("criteria.collection.deductions.bins", 1000),
     "criteria.collection.deductions.bins", Reason("too_large", {"max": 999})),
    (setter("criteria.cleaning", {"deductions": {"no_cleaner": 2}}),
     "criteria.cleaning.deductions.no_cleaner", Reason("too_large", {"max": 1})),
    (setter("client_rev", 0), "client_rev", Reason("too_small", {"min": 1})),
    (setter("note", "字" * 10_001), "note", Reason("too_long", {"max": 10_000})),
    (setter("gps.lon", -180.01), "gps.lon", Reason("out_of_range", {"min": -180, "max": 180})),
    (setter("photos.0.sha256", "zz"), "photos.0.sha256", Reason("not_sha256")),
    (second_photo_with_same_id, "photos.1.id", Reason("duplicate_photo_id")),
    (setter("finished_at", "2026-11-05T08:59:59+08:00"), "finished_at", Reason("before_start")),
    (setter("rubric_version", 2), "rubric_version", Reason("unknown_rubric_version")),
    (setter("gps.alt", 1200), "gps.alt", Reason("unknown_key")),
    (deleter("status"), "status", Reason("required")),
])
def test_reasons_carry_their_code_and_parameters(mutate, path, reason):
    payload = good()
    mutate(payload)
    assert inspection_reasons(payload, RUBRICS) == {path: [reason]}


def test_reasons_as_plain_data():
    payload = good()
    setter("note", "字" * 10_001)(payload)
    [reason] = inspection_reasons(payload, RUBRICS)["note"]
    assert reason.as_data() == {"code": "too_long", "params": {"max": 10_000}}
    assert reason.english == "must be at most 10000 characters"


def test_an_unknown_rubric_version_still_checks_shapes():
    payload = good()
    payload["rubric_version"] = 9
    payload["criteria"]["collection"]["deductions"]["bins"] = "many"
    errors = validate_inspection(payload, RUBRICS)
    assert set(errors) == {"rubric_version", "criteria.collection.deductions.bins"}


ODD_VALUES = [None, True, 0, -5, 1.5, float("inf"), "", "x", [], [None], {}, {"a": [1]},
              2**70, 10**400]   # JSON's integers have no limit: this one is no float


@pytest.mark.parametrize("payload", [None, [], "inspection", 42, True, 1.5, [GOOD]])
def test_non_object_payload_is_an_error_not_an_exception(payload):
    assert validate_inspection(payload, RUBRICS) == {"inspection": ["must be an object"]}


def _all_paths(node, prefix=""):
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        yield path
        if isinstance(value, (dict, list)):
            yield from _all_paths(value, path)


def test_never_raises_whatever_sits_at_any_path():
    for path in list(_all_paths(GOOD)):
        for value in ODD_VALUES:
            payload = good()
            setter(path, value)(payload)
            errors = validate_inspection(payload, RUBRICS)
            assert isinstance(errors, dict)


def test_parse_time():
    parsed = parse_time("2026-11-05T09:00:00+08:00")
    assert parsed.utcoffset() == timedelta(hours=8)
    assert parse_time("2026-11-05T01:00:00Z") == parsed
    assert parse_time("2026-11-05T09:00:00.250+08:00").microsecond == 250_000
    for bad in ("2026-11-05T09:00:00", "2026-11-05", "2026-13-05T09:00:00+08:00",
                "", "soon", None, 5, ["2026-11-05T09:00:00+08:00"]):
        assert parse_time(bad) is None


@pytest.mark.parametrize("value, accepted", [
    ("1900-01-01T00:00:00Z", True), ("1899-12-31T23:59:59Z", False),
    ("1900-01-01T08:00:00+08:00", True), ("1900-01-01T07:59:59+08:00", False),
    ("1900-06-01T00:00:00-12:00", True), ("1901-01-01T00:00:00+23:59", True),
    ("2999-12-31T23:59:59Z", True), ("3000-01-01T00:00:00Z", False),
    ("2999-12-31T23:59:59-00:01", False), ("3000-01-01T07:59:59+08:00", True),
    ("2998-12-31T23:59:59-23:59", True),
    ("0001-01-01T00:00:00+01:00", False), ("9999-12-31T23:59:59-05:00", False),
])
def test_parse_time_keeps_utc_years_1900_to_2999_whatever_the_offset(value, accepted):
    assert (parse_time(value) is not None) is accepted


def test_an_integer_too_large_for_a_float_is_a_reason_not_an_exception():
    payload = good()
    payload["gps"].update(lat=10**400, accuracy_m=10**400)
    assert inspection_reasons(payload, RUBRICS) == {
        "gps.lat": [Reason("out_of_range", {"min": -90, "max": 90})]}


def test_an_unknown_rubric_still_bounds_counts_and_photo_targets_by_shape():
    payload = good()
    payload["rubric_version"] = 9
    payload["criteria"]["kitchens"] = {"deductions": {"stove": 999}}
    payload["photos"][0].update(criterion="kitchens", item="stove")
    assert validate_inspection(payload, RUBRICS) == {"rubric_version": ["unknown rubric version"]}
    payload["criteria"]["kitchens"]["deductions"]["stove"] = 1000
    payload["photos"][0]["item"] = 3
    assert set(validate_inspection(payload, RUBRICS)) == {
        "rubric_version", "criteria.kitchens.deductions.stove", "photos.0.item"}
