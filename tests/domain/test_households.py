"""server/admin/households.py: the households CSV and listing, on SQLite and PostgreSQL.

A refused file is a list of per-line problems and writes nothing; an unedited export
reads back as no changes; an import never deletes.
"""
import pytest

from server.admin.households import (export_households, households_of, import_households,
                                     list_households, preview_households)
from server.extensions import db
from server.models import Household, VillagerGroup
from server.errors import Problems

from tests.support.admin import audit_entries, changes, count, problems_of, township

HEADER = "village,group,number,head,members,active\n"


def csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode("utf-8")


def group(name: str) -> VillagerGroup:
    return db.session.execute(db.select(VillagerGroup).where(
        VillagerGroup.name == name)).scalar_one()


def stored() -> list[tuple]:
    return [(h.group.name, h.number, h.head, h.members, h.active)
            for h in households_of(township().id)]


def refused(raw: bytes) -> list[tuple]:
    """The problems of a refused import, after checking that it wrote nothing."""
    before = (count(Household), len(changes("household")), len(audit_entries()))
    with pytest.raises(Problems) as exc:
        import_households(township().id, raw, "households.csv")
    db.session.commit()  # whatever the import left in the session would be written now
    assert (count(Household), len(changes("household")), len(audit_entries())) == before
    return problems_of(exc.value)


def test_import_adds_and_records_for_phones_and_audit():
    place = township()
    result = import_households(place.id, csv("曼贺村,曼贺一组,02,岩温,4,1",
                                             "曼贺村,曼贺一组,01,玉香,,",
                                             "曼贺村,曼贺二组,12-1,李建国,3,0"), "households.csv")
    db.session.commit()
    assert (result.added, result.changed) == (3, 0)
    assert stored() == [("曼贺一组", "01", "玉香", None, True), ("曼贺一组", "02", "岩温", 4, True),
                        ("曼贺二组", "12-1", "李建国", 3, False)]
    assert {c.entity_id for c in changes("household")} == {
        str(h.id) for h in households_of(place.id)}
    [entry] = audit_entries()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.township_id) == (
        "import_households", "township", str(place.id), place.id)
    assert entry.detail == {"file": "households.csv", "added": 3, "changed": 0}
    assert [h.number for h in households_of(place.id, group("曼贺一组").id)] == ["01", "02"]


def test_an_unedited_export_reads_back_as_no_changes():
    place = township()
    import_households(place.id, csv("曼贺村,曼贺一组,01,=SUM(A1),,1",
                                    "曼贺村,曼贺一组,-3,+岩温,2,0",
                                    "曼短村,曼短一组,07,\"玉香, 岩光\",5,1"))
    db.session.commit()
    seq = changes("household")[-1].seq
    exported = export_households(place.id).getvalue()
    assert "'=SUM(A1)" in exported.decode("utf-8-sig")  # a formula is never run
    preview = preview_households(place.id, exported)
    assert not preview.changes_anything and preview.count("unchanged") == 3
    again = import_households(place.id, exported)
    db.session.commit()
    assert (again.added, again.changed) == (0, 0)
    assert changes("household")[-1].seq == seq  # the phones pull nothing again
    assert ("曼贺一组", "-3", "+岩温", 2, False) in stored()


def test_importing_again_updates_in_place_and_never_deletes():
    place = township()
    import_households(place.id, csv("曼贺村,曼贺一组,01,岩温,4,0", "曼贺村,曼贺一组,02,玉香,3,1"))
    # No active column: a stored household keeps what it had, a new one is active.
    preview = preview_households(place.id, csv("曼贺村,曼贺一组,01,岩温,5",
                                               "曼贺村,曼贺一组,03,岩罕,",
                                               header="village,group,number,head,members\n"))
    assert [(line.number, line.kind, line.changes) for line in preview.lines] == [
        ("01", "changed", {"members": (4, 5)}), ("03", "new", {})]
    result = import_households(place.id, csv("曼贺村,曼贺一组,01,岩温,5",
                                             "曼贺村,曼贺一组,03,岩罕,",
                                             header="village,group,number,head,members\n"))
    db.session.commit()
    assert (result.added, result.changed) == (1, 1)
    assert stored() == [("曼贺一组", "01", "岩温", 5, False), ("曼贺一组", "02", "玉香", 3, True),
                        ("曼贺一组", "03", "岩罕", None, True)]


def test_every_bad_line_is_listed():
    import_households(township().id, csv("曼贺村,曼贺一组,01,岩温,,"))
    db.session.commit()
    problems = refused(csv("曼贺村,曼贺一组,02,,3,1",                 # 2
                           "曼贺村,曼贺一组,03,岩" + "温" * 50 + ",,",  # 3
                           "曼贺村,曼贺一组,04,玉香,abc,",              # 4
                           "曼贺村,曼贺一组,05,玉香,-1,",               # 5
                           "曼贺村,曼贺一组,06,玉香,1000,",             # 6
                           "曼贺村,曼贺一组,07,玉香,,yes",              # 7
                           "曼贺村,没有这组,08,玉香,,",                 # 8
                           "曼贺村,曼贺一组,09,玉香,,",                 # 9
                           "曼贺村,曼贺一组,09,岩光,,",                 # 10
                           "曼贺村,曼贺一组,10,玉香,,,extra",           # 11
                           "曼贺村,曼贺一组," + "1" * 21 + ",玉香,,"))  # 12
    assert [(line, code) for line, code, _ in problems] == [
        (2, "blank"), (3, "too_long"), (4, "not_a_count"), (5, "not_a_count"),
        (6, "out_of_range"), (7, "not_a_flag"), (8, "unknown_group"), (10, "household_twice"),
        (11, "extra_values"), (12, "too_long")]
    assert problems[0][2] == {"columns": "head"}
    assert problems[1][2] == {"column": "head", "max": 50}
    assert problems[3][2] == {"column": "members", "value": "-1"}
    assert problems[6][2] == {"village": "曼贺村", "group": "没有这组"}
    assert problems[7][2] == {"village": "曼贺村", "group": "曼贺一组", "number": "09"}
    assert problems[9][2] == {"column": "number", "max": 20}


def test_the_file_as_a_whole():
    assert refused("village,group\n村,组\n".encode("gbk")) == [(None, "not_utf8", {})]
    assert refused(b"village,group,number\nx,y,1\n") == [
        (None, "missing_columns", {"columns": "head"})]
    assert refused(HEADER.encode()) == [(None, "no_rows", {})]
    assert refused(csv("曼贺村,曼贺一组,01,岩" + "温" * 200_000 + ",,")) == [(2, "unreadable", {})]


def test_a_head_that_just_fits_is_stored_whole():
    head = "玉" * 50
    import_households(township().id, csv(f"曼贺村,曼贺一组,{'9' * 20},{head},0,1"))
    db.session.commit()
    assert stored() == [("曼贺一组", "9" * 20, head, 0, True)]


def test_a_page_of_households_by_village_group_and_search():
    place = township()
    lines = [f"曼贺村,曼贺一组,{n:02d},岩温{n},," for n in range(1, 31)]
    lines += ["曼贺村,曼贺二组,01,玉香,,", "曼短村,曼短一组,01,李建国,,", "曼短村,曼短一组,02,100%,,"]
    import_households(place.id, csv(*lines))
    db.session.commit()
    first = list_households(place.id, page_size=10)
    assert (first.total, first.pages, first.page) == (33, 4, 1)
    assert [h.number for h, _, _ in first.rows] == [f"{n:02d}" for n in range(1, 11)]
    last = list_households(place.id, page=99, page_size=10)  # past the end: the last page
    assert last.page == 4 and [h.head for h, _, _ in last.rows] == ["玉香", "李建国", "100%"]
    village = group("曼短一组").village_id
    assert list_households(place.id, village_id=village).total == 2
    assert list_households(place.id, group_id=group("曼贺二组").id).total == 1
    assert [h.head for h, _, _ in list_households(place.id, search="建国").rows] == ["李建国"]
    assert [h.number for h, _, _ in list_households(place.id, search="2", page_size=50).rows
            if h.group.name == "曼贺一组"][:3] == ["02", "12", "20"]
    assert [h.head for h, _, _ in list_households(place.id, search="%").rows] == ["100%"]
    assert list_households(place.id, search="_").total == 0


def test_the_demo_gives_every_group_20_to_40_households():
    import random
    from collections import Counter

    from server.demo.households import add_households

    place = township()
    made = add_households(place, random.Random(1))
    db.session.commit()
    per_group = Counter(h.group_id for h in made)
    groups = sum(len(v.groups) for v in place.villages)
    assert len(per_group) == groups and all(20 <= n <= 40 for n in per_group.values())
    assert any("-" in h.number for h in made) and all(2 <= len(h.head) <= 3 for h in made)
    first = sorted(h.number for h in made if h.group_id == made[0].group_id)
    assert first[:2] == ["01", "02"]
    assert {c.entity_id for c in changes("household")} == {str(h.id) for h in made}
