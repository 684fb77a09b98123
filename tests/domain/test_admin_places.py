"""server/admin/places.py: the CSV rules, on SQLite and PostgreSQL.

A refused file is a list of per-line problems and writes nothing; a name that fits the
column is stored whole on both databases.
"""
import pytest

from server.admin.places import NAME_COLUMNS, import_places, parse_places
from server.extensions import db
from server.models import Village, VillagerGroup
from server.errors import Problems, column_size

from tests.support.admin import audit_entries, changes, count, problems_of, township

HEADER = "village,village_en,group,group_en,lat,lon\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def refused(raw: bytes) -> list[tuple]:
    """The problems of a refused import, after checking that it wrote nothing."""
    before = (count(Village), count(VillagerGroup), len(changes("village")))
    with pytest.raises(Problems) as exc:
        import_places(township().id, raw, "places.csv")
    db.session.commit()  # whatever the import left in the session would be written now
    assert (count(Village), count(VillagerGroup), len(changes("village"))) == before
    assert audit_entries() == []
    return problems_of(exc.value)


def test_import_adds_and_records_for_phones_and_audit():
    place = township()
    result = import_places(place.id, csv("新寨村,Xinzhai,新寨一组,,21.95,100.45",
                                         "新寨村,Xinzhai,新寨二组,Group 2,,"), "places.csv")
    db.session.commit()
    assert (result.villages, result.groups) == (1, 2)
    village = db.session.execute(db.select(Village).where(Village.name == "新寨村")).scalar_one()
    assert [(g.name, g.name_en, g.lat) for g in village.groups] == [
        ("新寨一组", None, 21.95), ("新寨二组", "Group 2", None)]
    assert str(village.id) in {c.entity_id for c in changes("village")}
    [entry] = audit_entries()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.township_id,
            entry.user_id) == ("import_places", "township", str(place.id), place.id, None)
    assert entry.detail == {"file": "places.csv", "villages": 1, "groups": 2}


def test_importing_again_updates_in_place():
    raw = csv("新寨村,,新寨一组,,21.95,100.45")
    import_places(township().id, raw)
    again = import_places(township().id, csv("新寨村,Xinzhai,新寨一组,G1,22,100"))
    db.session.commit()
    assert (again.villages, again.groups) == (0, 0)
    group = db.session.execute(db.select(VillagerGroup).where(
        VillagerGroup.name == "新寨一组")).scalar_one()
    assert (group.village.name_en, group.name_en, group.lat) == ("Xinzhai", "G1", 22)


@pytest.mark.parametrize("column", list(NAME_COLUMNS))
def test_a_name_longer_than_its_column_is_a_line_problem(column):
    size = column_size(NAME_COLUMNS[column])
    values = {"village": "新村", "village_en": "", "group": "一组", "group_en": "",
              column: "名" * (size + 1)}
    line = ",".join(values[c] for c in ("village", "village_en", "group", "group_en")) + ",,"
    assert refused(csv("好村,,好组,,,", line)) == [
        (3, "too_long", {"column": column, "max": size})]


def test_the_sizes_are_the_model_columns():
    assert column_size(NAME_COLUMNS["village"]) == Village.__table__.c.name.type.length == 100


def test_a_150_character_village_name_writes_nothing():
    assert refused(csv("村" * 150 + ",,一组,,,")) == [
        (2, "too_long", {"column": "village", "max": 100})]


def test_names_that_just_fit_are_stored_whole():
    village, group = "村" * 100, "组" * 100
    import_places(township().id, csv(f"{village},{'V' * 100},{group},{'G' * 100},,"))
    db.session.commit()
    stored = db.session.execute(db.select(Village).where(Village.name == village)).scalar_one()
    assert (stored.name_en, stored.groups[0].name) == ("V" * 100, group)


@pytest.mark.parametrize("value", ["新\x00村", '"新\n村"', "新\x7f村"])
def test_control_characters_in_a_name_are_a_line_problem(value):
    assert refused(csv(f"{value},,一组,,,")) == [
        (2 if "\n" not in value else 3, "control_character", {"column": "village"})]


def test_every_bad_line_is_listed():
    problems = refused(csv("新村,,一组,,north,100",     # 2
                           ",,二组,,,",                 # 3
                           "新村,,三组,,95,100",        # 4
                           "新村,,四组,,21,nan",        # 5
                           "新村,,一组,,,",             # 6
                           "新村,,五组,,,,extra"))      # 7
    assert [(line, code) for line, code, _ in problems] == [
        (2, "not_number"), (3, "empty"), (4, "out_of_range"), (5, "out_of_range"),
        (6, "twice"), (7, "extra_values")]
    assert problems[0][2] == {"name": "lat", "value": "north"}
    assert problems[2][2] == {"name": "lat", "value": 95.0, "low": -90, "high": 90}
    assert problems[4][2] == {"village": "新村", "group": "一组"}


def test_the_file_as_a_whole():
    assert refused("village,group\n村,组\n".encode("gbk")) == [(None, "not_utf8", {})]
    assert refused(b"name,lat\nx,1\n") == [(None, "missing_columns", {"columns": "village, group"})]
    assert refused(HEADER.encode()) == [(None, "no_rows", {})]
    huge = csv("村,,组,," + "1" * 200_000 + ",")
    assert refused(huge) == [(2, "unreadable", {})]


def test_a_bom_is_not_part_of_the_header():
    rows = parse_places("\ufeffvillage,group\n村,组\n".encode("utf-8"))
    assert [(r["village"], r["group"]) for r in rows] == [("村", "组")]
