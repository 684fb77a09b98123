"""Rounds and their assignments.

Every created or changed round and assignment goes into the change log, so phones get it
on their next pull (a removed assignment is a delete for its inspector), and into the
audit log. The functions flush where an id is needed and never commit: the caller does.
Problems use the catalogue keys admin.err_<code> (fields admin.field.<field>).
"""
from datetime import date

import sqlalchemy as sa

from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import Assignment, Round, RubricVersion, User, Village, VillagerGroup
from ..problems import Problem, RuleError, column_size, name_problem

# A list longer than any township has groups is a typing accident.
MAX_LIST_SIZE = 10000
NAME_COLUMN = Round.__table__.c.name
# For the form's input hints (the rules below stay the ones that count).
LIMITS = {"name": column_size(NAME_COLUMN), "list_size": MAX_LIST_SIZE}


class RoundRuleError(RuleError):
    """The round or assignment breaks a rule; nothing was written."""


def rubric_versions() -> list[RubricVersion]:
    """What a new round may be scored with, newest first."""
    return db.session.execute(
        db.select(RubricVersion).order_by(RubricVersion.version.desc())).scalars().all()


def _round_problems(name: str, starts_on: date | None, ends_on: date | None,
                    rubric_id: int | None, sizes: dict[str, int | None]) -> list[Problem]:
    problems = [Problem("required", field="name") if not name
                else name_problem(name, NAME_COLUMN, field="name")]
    problems += [Problem("date", field=field)
                 for field, value in (("starts_on", starts_on), ("ends_on", ends_on))
                 if value is None]
    if starts_on and ends_on and ends_on < starts_on:
        problems.append(Problem("end_before_start", field="ends_on"))
    # Compared in Python: an id beyond the column's integer range is simply not one of them.
    if rubric_id not in set(db.session.execute(db.select(RubricVersion.id)).scalars()):
        problems.append(Problem("choice", field="rubric_id"))
    problems += [Problem("list_size", {"max": MAX_LIST_SIZE}, field=field)
                 for field, size in sizes.items()
                 if size is not None and not 0 <= size <= MAX_LIST_SIZE]
    return [p for p in problems if p]


def create_round(township_id: int, *, name: str, starts_on: date | None, ends_on: date | None,
                 rubric_id: int | None, red_size: int | None = None,
                 black_size: int | None = None) -> Round:
    """A new open round (list sizes None: the default rule), for the phones and the audit
    log (create_round). Raises RoundRuleError. Flushes for the id; does not commit."""
    name = name.strip()
    problems = _round_problems(name, starts_on, ends_on, rubric_id,
                               {"red_size": red_size, "black_size": black_size})
    if problems:
        raise RoundRuleError(problems)
    round_ = Round(township_id=township_id, name=name, starts_on=starts_on, ends_on=ends_on,
                   rubric_id=rubric_id, red_size=red_size, black_size=black_size, state="open")
    db.session.add(round_)
    db.session.flush()
    record_change(db.session, "round", round_.id, township_id)
    record_audit("create_round", "round", round_.id, township_id=township_id, detail={
        "name": name, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
        "rubric_id": rubric_id, "red_size": red_size, "black_size": black_size})
    return round_


def close_round(round_: Round) -> None:
    """An open round becomes closed (no more inspections); RoundRuleError if it is not
    open. Does not commit."""
    if round_.state != "open":
        raise RoundRuleError([Problem("round_not_open")])
    round_.state = "closed"
    record_change(db.session, "round", round_.id, round_.township_id)
    record_audit("close_round", "round", round_.id, township_id=round_.township_id,
                 detail={"name": round_.name})


def previous_round(round_: Round) -> Round | None:
    """The township's round that started last before this one."""
    return db.session.execute(
        db.select(Round).where(
            Round.township_id == round_.township_id, Round.id != round_.id,
            sa.or_(Round.starts_on < round_.starts_on,
                   sa.and_(Round.starts_on == round_.starts_on, Round.id < round_.id)))
        .order_by(Round.starts_on.desc(), Round.id.desc()).limit(1)).scalar_one_or_none()


def township_groups(township_id: int) -> list[VillagerGroup]:
    return db.session.execute(
        db.select(VillagerGroup).join(Village).where(Village.township_id == township_id)
        .order_by(Village.id, VillagerGroup.id)).scalars().all()


def current_assignments(round_id: int) -> dict[int, list[Assignment]]:
    """{group_id: [assignment, ...]} of the round."""
    by_group: dict[int, list[Assignment]] = {}
    for a in db.session.execute(db.select(Assignment).where(
            Assignment.round_id == round_id).order_by(Assignment.id)).scalars():
        by_group.setdefault(a.group_id, []).append(a)
    return by_group


def assignable_users(township_id: int, current: dict[int, list[Assignment]]) -> list[User]:
    """Active inspectors, and anyone already assigned (so a save never drops them silently)."""
    assigned = {a.user_id for assignments in current.values() for a in assignments}
    return db.session.execute(db.select(User).where(
        User.township_id == township_id,
        sa.or_(sa.and_(User.role == "inspector", User.active.is_(True)),
               User.id.in_(assigned)))
        .order_by(User.display_name, User.username)).scalars().all()


def _apply(round_: Round, wanted: dict[int, dict[int, int | None]],
           current: dict[int, list[Assignment]]) -> tuple[int, int]:
    """Makes the round's assignees of each group in `wanted` exactly {user_id: team_id};
    groups not in `wanted` are left alone. Returns (added, removed)."""
    added = removed = 0
    for group_id, users in wanted.items():
        existing = {a.user_id: a for a in current.get(group_id, [])}
        for user_id, assignment in existing.items():
            if user_id not in users:
                record_change(db.session, "assignment", assignment.id, round_.township_id,
                              owner_id=user_id, op="delete")
                db.session.delete(assignment)
                removed += 1
        for user_id, team_id in users.items():
            if user_id not in existing:
                assignment = Assignment(round_id=round_.id, group_id=group_id,
                                        user_id=user_id, team_id=team_id)
                db.session.add(assignment)
                db.session.flush()
                record_change(db.session, "assignment", assignment.id, round_.township_id,
                              owner_id=user_id)
                added += 1
    return added, removed


def save_assignments(round_: Round, chosen: dict[int, list[int]]) -> tuple[int, int]:
    """Each group in `chosen` gets exactly the chosen users (those assigned already keep
    their team). Groups not of the round's township are ignored (a page shown before they
    went); a user who may not be assigned is RoundRuleError, and nothing is changed.
    Audit entry assign when something changed. Returns (added, removed); does not commit."""
    groups = {g.id for g in township_groups(round_.township_id)}
    current = current_assignments(round_.id)
    allowed = {u.id for u in assignable_users(round_.township_id, current)}
    wanted = {}
    for group_id, user_ids in chosen.items():
        if group_id not in groups:
            continue
        if not allowed.issuperset(user_ids):
            raise RoundRuleError([Problem("assignment_choice")])
        teams = {a.user_id: a.team_id for a in current.get(group_id, [])}
        wanted[group_id] = {user_id: teams.get(user_id) for user_id in user_ids}
    added, removed = _apply(round_, wanted, current)
    if added or removed:
        record_audit("assign", "round", round_.id, township_id=round_.township_id,
                     detail={"added": added, "removed": removed})
    return added, removed


def copy_assignments(round_: Round) -> tuple[int, int]:
    """The round's assignments become those of the previous round (active users only);
    RoundRuleError if there is none. Audit entry copy_assignments. Returns (added, removed);
    does not commit."""
    previous = previous_round(round_)
    if previous is None:
        raise RoundRuleError([Problem("no_previous_round")])
    wanted = {g.id: {} for g in township_groups(round_.township_id)}
    for a in db.session.execute(
            db.select(Assignment).join(User, User.id == Assignment.user_id)
            .where(Assignment.round_id == previous.id, User.active.is_(True))
            .order_by(Assignment.id)).scalars():
        if a.group_id in wanted:
            wanted[a.group_id][a.user_id] = a.team_id
    added, removed = _apply(round_, wanted, current_assignments(round_.id))
    record_audit("copy_assignments", "round", round_.id, township_id=round_.township_id,
                 detail={"from_round": previous.id, "added": added, "removed": removed})
    return added, removed
