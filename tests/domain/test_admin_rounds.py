"""server/admin/rounds.py: rounds and assignments, with change log and audit entries.

On SQLite and PostgreSQL: a refused round is field problems and writes nothing.
"""
from datetime import timedelta

import pytest

from server.admin import rounds
from server.extensions import db
from server.models import Assignment, Round, RubricVersion, User
from server.errors import Problems

from tests.support.admin import audit_entries, changes, count, problems_of, township


def the_round() -> Round:
    return db.session.execute(db.select(Round).order_by(Round.id)).scalars().first()


def rubric_id() -> int:
    return db.session.execute(db.select(RubricVersion.id)).scalar_one()


def next_round(**fields) -> Round:
    current = the_round()
    starts = current.ends_on + timedelta(days=1)
    values = {"name": "下月评比", "starts_on": starts, "ends_on": starts + timedelta(days=27),
              "rubric_id": rubric_id(), "red_size": 3, "black_size": None, **fields}
    return rounds.create_round(township().id, **values)


def refused(**fields) -> list[tuple]:
    before = (count(Round), len(changes("round")))
    with pytest.raises(Problems) as exc:
        next_round(**fields)
    db.session.commit()
    assert (count(Round), len(changes("round"))) == before and audit_entries() == []
    return problems_of(exc.value)


def user_id(username: str) -> int:
    return db.session.execute(db.select(User.id).where(User.username == username)).scalar_one()


def assignees(round_id: int) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for a in db.session.execute(db.select(Assignment).where(Assignment.round_id == round_id)):
        out.setdefault(a[0].group_id, set()).add(a[0].user_id)
    return out


def test_create_round_reaches_the_change_log_and_audit():
    created = next_round(name=" 下月评比 ")
    db.session.commit()
    assert (created.name, created.state, created.red_size, created.black_size) == (
        "下月评比", "open", 3, None)
    assert str(created.id) in {c.entity_id for c in changes("round")}
    [entry] = audit_entries()
    assert (entry.action, entry.entity_id, entry.township_id) == (
        "create_round", str(created.id), township().id)
    assert entry.detail["name"] == "下月评比" and entry.detail["red_size"] == 3


def test_a_name_longer_than_its_column_is_a_field_problem():
    assert rounds.LIMITS["name"] == Round.__table__.c.name.type.length == 100
    assert refused(name="评" * 101) == [("name", "too_long", {"max": 100})]


def test_a_name_that_just_fits_is_stored_whole():
    next_round(name="评" * 100)
    db.session.commit()
    assert db.session.execute(db.select(Round.name).order_by(Round.id.desc())).scalars().first() \
        == "评" * 100


def test_every_field_problem_at_once():
    current = the_round()
    assert refused(name="", ends_on=current.starts_on - timedelta(days=1),
                   starts_on=current.starts_on, rubric_id=2 ** 63, red_size=-1,
                   black_size=10001) == [
        ("name", "required", {}), ("ends_on", "end_before_start", {}),
        ("rubric_id", "choice", {}), ("red_size", "list_size", {"max": 10000}),
        ("black_size", "list_size", {"max": 10000})]
    assert refused(starts_on=None, ends_on=None, name="x\x00") == [
        ("name", "control_character", {}), ("starts_on", "date", {}), ("ends_on", "date", {})]


def test_close_round_once():
    current = the_round()
    rounds.close_round(current)
    with pytest.raises(Problems) as exc:
        rounds.close_round(current)
    db.session.commit()
    assert problems_of(exc.value) == [(None, "round_not_open", {})]
    assert the_round().state == "closed"
    assert [e.action for e in audit_entries()] == ["close_round"]


def test_save_assignments_adds_removes_and_keeps_teams():
    current = the_round()
    before = assignees(current.id)
    first, second = sorted(before)[:2]
    me = user_id("inspector1")
    team = db.session.execute(db.select(Assignment.team_id).where(
        Assignment.round_id == current.id, Assignment.group_id == first)).scalar_one()
    added, removed = rounds.save_assignments(current, {first: [me, user_id("inspector2")],
                                                       second: []})
    db.session.commit()
    assert (added, removed) == (len({me, user_id("inspector2")} - before[first]),
                                len(before[second]))
    after = assignees(current.id)
    assert after[first] == {me, user_id("inspector2")} and second not in after
    kept = db.session.execute(db.select(Assignment.team_id).where(
        Assignment.round_id == current.id, Assignment.group_id == first,
        Assignment.user_id.in_(before[first]))).scalars().all()
    assert kept == [team]
    assert {c.op for c in changes("assignment")} == {"put", "delete"}
    [entry] = audit_entries()
    assert (entry.action, entry.detail) == ("assign", {"added": added, "removed": removed})


def test_saving_the_same_assignments_changes_nothing():
    current = the_round()
    before = assignees(current.id)
    assert rounds.save_assignments(current, {g: sorted(u) for g, u in before.items()}) == (0, 0)
    db.session.commit()
    assert audit_entries() == []


def test_only_assignable_users_and_own_groups():
    current = the_round()
    before = assignees(current.id)
    first, second = sorted(before)[:2]
    with pytest.raises(Problems) as exc:  # the first group's change neither
        rounds.save_assignments(current, {first: [], second: [user_id("supervisor1")]})
    db.session.commit()
    assert problems_of(exc.value) == [(None, "assignment_choice", {})]
    assert assignees(current.id) == before
    # A group the township does not have (deleted, or another township's) is ignored.
    assert rounds.save_assignments(current, {10 ** 12: [user_id("inspector1")]}) == (0, 0)


def test_copy_assignments_from_the_previous_round():
    first = the_round()
    with pytest.raises(Problems) as exc:
        rounds.copy_assignments(first)
    assert problems_of(exc.value) == [(None, "no_previous_round", {})]
    db.session.get(User, user_id("inspector2")).active = False
    created = next_round()
    assert rounds.previous_round(created).id == first.id
    added, removed = rounds.copy_assignments(created)
    db.session.commit()
    me = user_id("inspector1")
    expected = {g: {me} for g, users in assignees(first.id).items() if me in users}
    assert assignees(created.id) == expected and (added, removed) == (len(expected), 0)
    assert [e.action for e in audit_entries()] == ["create_round", "copy_assignments"]
    assert audit_entries()[1].detail == {"from_round": first.id, "added": added, "removed": 0,
                                         "teams": 2}


# ---- the round lifecycle (domain.md, "Round lifecycle") ------------------------------

def test_a_round_overlapping_another_is_refused_by_a_day():
    current = the_round()
    assert refused(starts_on=current.ends_on, ends_on=current.ends_on + timedelta(days=27)) == [
        ("starts_on", "overlapping_round", {"name": current.name,
                                            "starts_on": current.starts_on.isoformat(),
                                            "ends_on": current.ends_on.isoformat()})]
    # inside, around and before-into the current one: all refused
    assert refused(starts_on=current.starts_on + timedelta(days=1),
                   ends_on=current.starts_on + timedelta(days=2))[0][1] == "overlapping_round"
    assert refused(starts_on=current.starts_on - timedelta(days=5),
                   ends_on=current.ends_on + timedelta(days=5))[0][1] == "overlapping_round"
    next_round()   # the day after the current one ends: fine
    db.session.commit()


def test_editing_a_round_keeps_the_rules_and_is_audited():
    created = next_round()
    db.session.commit()
    current = the_round()
    with pytest.raises(Problems) as exc:
        rounds.update_round(created, name="下月", starts_on=current.ends_on,
                            ends_on=created.ends_on, rubric_id=rubric_id())
    assert problems_of(exc.value)[0][1] == "overlapping_round"
    db.session.rollback()
    rounds.update_round(created, name="下月评比", name_en="Next month", starts_on=created.starts_on,
                        ends_on=created.ends_on, rubric_id=rubric_id(), rectification_days=10)
    db.session.commit()
    edited = db.session.get(Round, created.id)
    assert (edited.name_en, edited.rectification_days) == ("Next month", 10)
    assert [e.action for e in audit_entries()] == ["create_round", "edit_round"]


def test_a_deadline_setting_out_of_range_is_a_field_problem():
    assert refused(rectification_days=0) == [
        ("rectification_days", "rectification_days", {"max": rounds.MAX_RECTIFICATION_DAYS})]


def test_reopen_needs_a_closed_unpublished_round_and_a_reason():
    current = the_round()
    with pytest.raises(Problems) as exc:
        rounds.reopen_round(current, "忘记了一个组")
    assert problems_of(exc.value) == [(None, "round_not_closed", {})]
    rounds.close_round(current)
    with pytest.raises(Problems) as exc:
        rounds.reopen_round(current, "  ")
    assert problems_of(exc.value) == [("reason", "reason_required", {})]
    rounds.reopen_round(current, "忘记了一个组")
    db.session.commit()
    assert db.session.get(Round, current.id).state == "open"
    entry = audit_entries()[-1]
    assert (entry.action, entry.reason) == ("reopen_round", "忘记了一个组")
    current.state = "published"
    with pytest.raises(Problems) as exc:
        rounds.reopen_round(current, "再改一下")
    assert problems_of(exc.value) == [(None, "round_published", {})]
    with pytest.raises(Problems):
        rounds.update_round(current, name="x", starts_on=current.starts_on,
                            ends_on=current.ends_on, rubric_id=rubric_id())
