"""A round's teams: named groups of inspectors who visit villager groups together.

A group assigned to a team is an assignment, carrying the team's id, for every member;
the group's team is the team its assignments name. Changing the members changes those
assignments (through the change log, so the phones get them on their next pull).
Everything is audited; nothing commits (the caller does). Problems read as problem.<code>.
"""
from ..audit import record_audit
from ..extensions import db
from ..models import Assignment, Round, Team, User
from ..errors import Problem, Problems, name_problem
from .rounds import (apply_assignees, assignable_users,
                     current_assignments, save_assignments)

NAME_COLUMN = Team.__table__.c.name


def round_teams(round_id: int) -> list[Team]:
    return db.session.execute(db.select(Team).where(Team.round_id == round_id)
                              .order_by(Team.name, Team.id)).scalars().all()


def team_group_ids(team: Team) -> list[int]:
    """The groups assigned to the team (those its assignments name)."""
    return db.session.execute(db.select(Assignment.group_id).where(
        Assignment.team_id == team.id).distinct().order_by(Assignment.group_id)).scalars().all()


def team_data(team: Team) -> dict:
    """A team as the API answers."""
    return {"id": team.id, "round_id": team.round_id, "name": team.name,
            "member_ids": [m.id for m in team.members], "group_ids": team_group_ids(team)}


def group_teams(round_id: int) -> dict[int, int]:
    """{group_id: team_id} of the round's groups that are assigned to a team."""
    return {group_id: team_id for group_id, team_id in db.session.execute(
        db.select(Assignment.group_id, Assignment.team_id).where(
            Assignment.round_id == round_id, Assignment.team_id.is_not(None))
        .order_by(Assignment.id))}


def _problems(round_: Round, name: str, member_ids: list[int], team: Team | None
              ) -> list[Problem]:
    problems = [Problem("required", field="name") if not name
                else name_problem(name, NAME_COLUMN, field="name")]
    taken = db.session.execute(db.select(Team.id).where(
        Team.round_id == round_.id, Team.name == name,
        Team.id != (team.id if team else 0))).first()
    if name and taken:
        problems.append(Problem("team_name_taken", {"name": name}, field="name", status=409))
    # Active inspectors, or members already in the team (a deactivated one may stay).
    allowed = {u.id for u in assignable_users(round_.township_id, {})}
    allowed |= {m.id for m in team.members} if team else set()
    if not allowed.issuperset(member_ids):
        problems.append(Problem("member_choice", field="member_ids"))
    return [p for p in problems if p]


def _members(member_ids: list[int]) -> list[User]:
    return db.session.execute(db.select(User).where(User.id.in_(member_ids))
                              .order_by(User.id)).scalars().all()


def create_team(round_: Round, name: str, member_ids: list[int]) -> Team:
    """A new team of the round (audit create_team). Problems if the name is empty,
    too long or already a team of the round, or a member is not an active inspector of the
    township. Flushes for the id."""
    name = (name or "").strip()
    problems = _problems(round_, name, member_ids, None)
    if problems:
        raise Problems(problems)
    team = Team(township_id=round_.township_id, round_id=round_.id, name=name,
                members=_members(member_ids))
    db.session.add(team)
    db.session.flush()
    record_audit("create_team", "team", team.id, township_id=round_.township_id,
                 detail={"round_id": round_.id, "name": name, "member_ids": member_ids})
    return team


def update_team(team: Team, name: str, member_ids: list[int]) -> tuple[int, int]:
    """Renames the team and makes its members exactly `member_ids`: every group of the
    team is then assigned to exactly the new members (a member's own assignment there
    becomes the team's). Audit edit_team. Returns the assignments (added, removed)."""
    round_ = db.session.get(Round, team.round_id)
    name = (name or "").strip()
    problems = _problems(round_, name, member_ids, team)
    if problems:
        raise Problems(problems)
    groups = team_group_ids(team)
    team.name, team.members = name, _members(member_ids)
    current = current_assignments(round_.id)
    wanted = {}
    for group_id in groups:
        others = {a.user_id: a.team_id for a in current.get(group_id, [])
                  if a.team_id != team.id}
        wanted[group_id] = {**others, **{user_id: team.id for user_id in member_ids}}
    added, removed = apply_assignees(round_, wanted, current)
    record_audit("edit_team", "team", team.id, township_id=team.township_id,
                 detail={"round_id": round_.id, "name": name, "member_ids": member_ids,
                         "added": added, "removed": removed})
    return added, removed


def delete_team(team: Team) -> int:
    """The team goes, and with it its members' assignments to its groups (audit
    delete_team). Returns how many assignments were removed."""
    round_ = db.session.get(Round, team.round_id)
    current = current_assignments(round_.id)
    wanted = {group_id: {a.user_id: a.team_id for a in current[group_id]
                         if a.team_id != team.id}
              for group_id in team_group_ids(team)}
    _, removed = apply_assignees(round_, wanted, current)
    record_audit("delete_team", "team", team.id, township_id=team.township_id,
                 detail={"round_id": round_.id, "name": team.name, "removed": removed})
    team.members = []
    db.session.flush()
    db.session.delete(team)
    return removed


def assign_groups(round_: Round, chosen: dict[int, list[int]],
                  team_ids: dict[int, int | None]) -> tuple[int, int]:
    """Each group in `chosen` ({group_id: [user_id, ...]}) is assigned to exactly those
    persons and, for a group in `team_ids` ({group_id: team_id or None}), its team's
    members; other groups are left alone. Problems (nothing changed) for a team
    that is not the round's; the rules of save_assignments for the persons. Audit entry
    assign. Returns (added, removed)."""
    teams = {t.id: t for t in round_teams(round_.id)}
    if any(team_id is not None and team_id not in teams for team_id in team_ids.values()):
        raise Problems([Problem("team_choice")])
    return save_assignments(round_, chosen, {group_id: teams.get(team_id)
                                             for group_id, team_id in team_ids.items()})


def copy_teams(previous: Round, round_: Round) -> dict[int, int]:
    """The previous round's teams, by name, in this round with the same active members
    (a team of that name already here takes them). Returns {previous team id: team id}."""
    here = {t.name: t for t in round_teams(round_.id)}
    mapping = {}
    for old in round_teams(previous.id):
        members = [m for m in old.members if m.active]
        team = here.get(old.name)
        if team is None:
            team = Team(township_id=round_.township_id, round_id=round_.id, name=old.name)
            db.session.add(team)
        team.members = members
        db.session.flush()
        mapping[old.id] = team.id
    return mapping
