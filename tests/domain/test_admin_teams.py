"""server/admin/teams.py: a round's teams and the assignments they stand for."""
import pytest

from server.admin import rounds, teams
from server.extensions import db
from server.models import Assignment, Round, User
from server.errors import Problems

from tests.support.admin import audit_entries, changes, problems_of


def the_round() -> Round:
    return db.session.execute(db.select(Round).order_by(Round.id)).scalars().first()


def user(username: str) -> User:
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one()


def assignees(round_id: int, group_id: int) -> dict[int, int | None]:
    return dict(db.session.execute(db.select(Assignment.user_id, Assignment.team_id).where(
        Assignment.round_id == round_id, Assignment.group_id == group_id)).all())


def seqs() -> dict[str, int]:
    return {c.entity_id: c.seq for c in changes("assignment")}


def a_group() -> int:
    return rounds.township_groups(the_round().township_id)[0].id


def test_a_team_group_follows_the_members_and_keeps_the_persons():
    current, group = the_round(), a_group()
    one, two, boss = user("inspector1"), user("inspector2"), user("admin")
    team = teams.create_team(current, " 联合组 ", [one.id])
    assert team.name == "联合组"
    teams.assign_groups(current, {group: [two.id]}, {group: team.id})
    assert assignees(current.id, group) == {one.id: team.id, two.id: None}
    db.session.commit()
    # inspector2 joins: the own assignment becomes the team's (one row, the phone told).
    before = seqs()
    assert teams.update_team(team, "联合组", [one.id, two.id]) == (0, 0)
    db.session.commit()
    assert assignees(current.id, group) == {one.id: team.id, two.id: team.id}
    assert {k for k, seq in seqs().items() if seq != before.get(k)} == {
        str(db.session.execute(db.select(Assignment.id).where(
            Assignment.group_id == group, Assignment.user_id == two.id)).scalar_one())}
    # inspector1 leaves: that assignment goes.
    assert teams.update_team(team, "联合组", [two.id]) == (0, 1)
    assert assignees(current.id, group) == {two.id: team.id}
    with pytest.raises(Problems) as exc:
        teams.update_team(team, "联合组", [boss.id])
    assert problems_of(exc.value) == [("member_ids", "member_choice", {})]
    db.session.commit()
    assert [e.action for e in audit_entries()] == ["create_team", "assign", "edit_team",
                                                   "edit_team"]


def test_a_deactivated_member_is_not_given_new_groups():
    current, group = the_round(), a_group()
    one, two = user("inspector1"), user("inspector2")
    team = teams.create_team(current, "联合组", [one.id, two.id])
    two.active = False
    teams.assign_groups(current, {group: []}, {group: team.id})
    assert assignees(current.id, group) == {one.id: team.id}


def test_deleting_a_team_keeps_the_persons_of_its_groups():
    current, group = the_round(), a_group()
    one, two = user("inspector1"), user("inspector2")
    team = teams.create_team(current, "联合组", [one.id])
    teams.assign_groups(current, {group: [two.id]}, {group: team.id})
    assert teams.delete_team(team) == 1
    db.session.commit()
    assert assignees(current.id, group) == {two.id: None}
    assert [t.name for t in teams.round_teams(current.id)] == ["第一检查组", "第二检查组"]
