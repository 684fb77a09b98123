"""Rounds and their assignments.

Every created or changed round and assignment goes into the change log, so phones get it
on their next pull (a removed assignment is a delete for its inspector), and into the
audit log. The functions flush where an id is needed and never commit: the caller does.
Problems use the catalogue keys problem.<code> (fields admin.field.<field>).
"""
from datetime import date

import sqlalchemy as sa

from sync.states import CLOSED, GROUP_SUBJECT, OPEN, PUBLISHED, SUBJECTS

from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import Assignment, Round, Team, Township, User, Village, VillagerGroup
from ..errors import Problem, Problems, column_size, name_problem
from .rubrics import active_rubrics, current_rubric

# A list longer than any township has groups is a typing accident.
MAX_LIST_SIZE = 10000
# A deadline more than a year after publishing is a typing accident too.
MAX_RECTIFICATION_DAYS = 366
NAME_COLUMN = Round.__table__.c.name
NAME_EN_COLUMN = Round.__table__.c.name_en
REASON_MAX = 2000
# For the form's input hints (the rules below stay the ones that count).
LIMITS = {"name": column_size(NAME_COLUMN), "list_size": MAX_LIST_SIZE,
          "rectification_days": MAX_RECTIFICATION_DAYS, "reason": REASON_MAX}


def round_data(r: Round) -> dict:
    """A round as phones pull it and the API answers."""
    return {"id": r.id, "name": r.name, "name_en": r.name_en,
            "starts_on": r.starts_on.isoformat(), "ends_on": r.ends_on.isoformat(),
            "state": r.state, "rubric_version": r.rubric.version, "red_size": r.red_size,
            "black_size": r.black_size, "rectification_days": r.rectification_days,
            "subject": r.subject}


def township_rounds(township_id: int) -> list[Round]:
    """Newest first."""
    return db.session.execute(db.select(Round).where(Round.township_id == township_id)
                              .order_by(Round.starts_on.desc(), Round.id.desc())).scalars().all()


def rubric_id(township_id: int, version: int | None = None,
              subject: str = GROUP_SUBJECT) -> int | None:
    """The id of an active rubric version the township may use, by default its current
    one of the subject (None if there is no such version: create_round says so)."""
    if version is None:
        current = current_rubric(township_id, subject if subject in SUBJECTS
                                 else GROUP_SUBJECT)
        return current.id if current else None
    return next((r.id for r in active_rubrics(township_id) if r.version == version), None)


def overlapping_round(township_id: int, starts_on: date, ends_on: date,
                      except_id: int | None = None,
                      subject: str = GROUP_SUBJECT) -> Round | None:
    """A round of the township and subject whose period shares a day with
    starts_on..ends_on (a household round may overlap a group round)."""
    query = db.select(Round).where(Round.township_id == township_id,
                                   Round.subject == subject,
                                   Round.starts_on <= ends_on, Round.ends_on >= starts_on)
    if except_id is not None:
        query = query.where(Round.id != except_id)
    return db.session.execute(query.order_by(Round.starts_on).limit(1)).scalar_one_or_none()


def lock_township_rounds(township_id: int) -> None:
    """Two admins saving overlapping rounds at once: the overlap check runs under the
    township's row lock (PostgreSQL), so the second one sees the first and is refused."""
    db.session.execute(db.select(Township.id).where(Township.id == township_id)
                       .with_for_update())


def _round_problems(township_id: int, fields: dict, except_id: int | None = None
                    ) -> list[Problem]:
    name, name_en = fields["name"], fields["name_en"]
    starts_on, ends_on = fields["starts_on"], fields["ends_on"]
    problems = [Problem("required", field="name") if not name
                else name_problem(name, NAME_COLUMN, field="name")]
    if name_en:
        problems.append(name_problem(name_en, NAME_EN_COLUMN, field="name_en"))
    problems += [Problem("date", field=field)
                 for field, value in (("starts_on", starts_on), ("ends_on", ends_on))
                 if value is None]
    subject = fields["subject"]
    if subject not in SUBJECTS:
        problems.append(Problem("choice", field="subject"))
    if starts_on and ends_on and ends_on < starts_on:
        problems.append(Problem("end_before_start", field="ends_on"))
    elif starts_on and ends_on and subject in SUBJECTS:
        other = overlapping_round(township_id, starts_on, ends_on, except_id, subject)
        if other is not None:
            problems.append(Problem("overlapping_round", {
                "name": other.name, "starts_on": other.starts_on.isoformat(),
                "ends_on": other.ends_on.isoformat()}, field="starts_on", status=409))
    # Compared in Python: an id beyond the column's integer range is simply not one of them.
    rubric = next((r for r in active_rubrics(township_id) if r.id == fields["rubric_id"]),
                  None)
    if rubric is None:
        problems.append(Problem("choice", field="rubric_id"))
    elif subject in SUBJECTS and rubric.subject != subject:
        # A group round scored with the household rubric would rank villager groups by
        # whether their toilets are clean inside: refused, naming the rubric's subject.
        problems.append(Problem("rubric_subject", {"version": rubric.version,
                                                   "subject": rubric.subject},
                                field="rubric_id"))
    problems += [Problem("list_size", {"max": MAX_LIST_SIZE}, field=field)
                 for field in ("red_size", "black_size")
                 if fields[field] is not None and not 0 <= fields[field] <= MAX_LIST_SIZE]
    days = fields["rectification_days"]
    if days is not None and not 1 <= days <= MAX_RECTIFICATION_DAYS:
        problems.append(Problem("rectification_days", {"max": MAX_RECTIFICATION_DAYS},
                                field="rectification_days"))
    return [p for p in problems if p]


def _round_fields(name: str, name_en: str | None, starts_on, ends_on, rubric_id, red_size,
                  black_size, rectification_days, subject) -> dict:
    return {"name": (name or "").strip(), "name_en": (name_en or "").strip() or None,
            "starts_on": starts_on, "ends_on": ends_on, "rubric_id": rubric_id,
            "red_size": red_size, "black_size": black_size,
            "rectification_days": rectification_days, "subject": subject}


def _audit_detail(fields: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value
            for key, value in fields.items()}


def create_round(township_id: int, *, name: str, starts_on: date | None, ends_on: date | None,
                 rubric_id: int | None, red_size: int | None = None,
                 black_size: int | None = None, name_en: str | None = None,
                 rectification_days: int | None = None,
                 subject: str = GROUP_SUBJECT) -> Round:
    """A new open round of villager groups or households (list sizes and deadline None:
    the default rules), for the phones and the audit log (create_round). Refused when
    its period overlaps another round of the township and subject, or its rubric version
    scores the other subject. Raises Problems. Flushes for the id; does not commit."""
    fields = _round_fields(name, name_en, starts_on, ends_on, rubric_id, red_size,
                           black_size, rectification_days, subject)
    lock_township_rounds(township_id)
    problems = _round_problems(township_id, fields)
    if problems:
        raise Problems(problems)
    round_ = Round(township_id=township_id, state=OPEN, **fields)
    db.session.add(round_)
    db.session.flush()
    record_change(db.session, "round", round_.id, township_id)
    record_audit("create_round", "round", round_.id, township_id=township_id,
                 detail=_audit_detail(fields))
    return round_


def update_round(round_: Round, *, name: str, starts_on: date | None, ends_on: date | None,
                 rubric_id: int | None, red_size: int | None = None,
                 black_size: int | None = None, name_en: str | None = None,
                 rectification_days: int | None = None) -> None:
    """Edits a round that is not published (a published list rests on what it was).
    The same rules as creating it; its subject stays (its inspections check groups or
    households). Audit entry edit_round. Does not commit."""
    if round_.state == PUBLISHED:
        raise Problems([Problem("round_published", status=409)])
    fields = _round_fields(name, name_en, starts_on, ends_on, rubric_id, red_size,
                           black_size, rectification_days, round_.subject)
    lock_township_rounds(round_.township_id)
    problems = _round_problems(round_.township_id, fields, except_id=round_.id)
    if problems:
        raise Problems(problems)
    for key, value in fields.items():
        setattr(round_, key, value)
    record_change(db.session, "round", round_.id, round_.township_id)
    record_audit("edit_round", "round", round_.id, township_id=round_.township_id,
                 detail=_audit_detail(fields))


def close_round(round_: Round) -> None:
    """An open round becomes closed (inspections pushed now are late); Problems if
    it is not open. Does not commit."""
    if round_.state != OPEN:
        raise Problems([Problem("round_not_open", status=409)])
    round_.state = CLOSED
    record_change(db.session, "round", round_.id, round_.township_id)
    record_audit("close_round", "round", round_.id, township_id=round_.township_id,
                 detail={"name": round_.name})


def reopen_round(round_: Round, reason: str) -> None:
    """A closed round that is not published opens again, with a reason for the audit log
    (reopen_round). Problems otherwise. Does not commit."""
    reason = (reason or "").strip()
    problems = []
    if round_.state == PUBLISHED:
        problems.append(Problem("round_published", status=409))
    elif round_.state != CLOSED:
        problems.append(Problem("round_not_closed", status=409))
    if not reason:
        problems.append(Problem("reason_required", field="reason"))
    elif len(reason) > REASON_MAX:
        problems.append(Problem("too_long", {"max": REASON_MAX}, field="reason"))
    if problems:
        raise Problems(problems)
    round_.state = OPEN
    record_change(db.session, "round", round_.id, round_.township_id)
    record_audit("reopen_round", "round", round_.id, township_id=round_.township_id,
                 reason=reason, detail={"name": round_.name})


def require_group_round(round_: Round) -> None:
    """Only a round of villager groups has a ranking and Red and Black Lists; a household
    round has results per household instead (409 wrong_subject)."""
    if round_.subject != GROUP_SUBJECT:
        raise Problem("wrong_subject", {"subject": round_.subject}, status=409)


def previous_round(round_: Round) -> Round | None:
    """The township's round of the same subject that started last before this one."""
    return db.session.execute(
        db.select(Round).where(
            Round.township_id == round_.township_id, Round.id != round_.id,
            Round.subject == round_.subject,
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


def apply_assignees(round_: Round, wanted: dict[int, dict[int, int | None]],
           current: dict[int, list[Assignment]]) -> tuple[int, int]:
    """Makes the round's assignees of each group in `wanted` exactly {user_id: team_id};
    groups not in `wanted` are left alone. An assignment that stays with another team is
    changed in place (the phone gets it again). Returns (added, removed)."""
    added = removed = 0
    for group_id, users in wanted.items():
        existing = {a.user_id: a for a in current.get(group_id, [])}
        for user_id, assignment in existing.items():
            if user_id not in users:
                record_change(db.session, "assignment", assignment.id, round_.township_id,
                              owner_id=user_id, op="delete")
                db.session.delete(assignment)
                removed += 1
            elif users[user_id] != assignment.team_id:
                assignment.team_id = users[user_id]
                record_change(db.session, "assignment", assignment.id, round_.township_id,
                              owner_id=user_id)
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


def save_assignments(round_: Round, chosen: dict[int, list[int]],
                     teams: dict[int, Team | None] | None = None) -> tuple[int, int]:
    """Each group in `chosen` gets exactly the chosen users; a group in `teams` also every
    active member of its team there (None: no team), the chosen ones then on their own.
    Without `teams`, those assigned already keep their team. Groups not of the round's
    township are ignored (a page shown before they went); a user who may not be assigned
    is Problems, and nothing is changed. Audit entry assign when something changed.
    Returns (added, removed); does not commit."""
    teams = teams or {}
    groups = {g.id for g in township_groups(round_.township_id)}
    current = current_assignments(round_.id)
    allowed = {u.id for u in assignable_users(round_.township_id, current)}
    wanted = {}
    for group_id, user_ids in chosen.items():
        if group_id not in groups:
            continue
        if not allowed.issuperset(user_ids):
            raise Problems([Problem("assignment_choice")])
        if group_id in teams:
            team = teams[group_id]
            wanted[group_id] = {user_id: None for user_id in user_ids}
            if team is not None:
                wanted[group_id].update({m.id: team.id for m in team.members if m.active})
            continue
        kept = {a.user_id: a.team_id for a in current.get(group_id, [])}
        wanted[group_id] = {user_id: kept.get(user_id) for user_id in user_ids}
    added, removed = apply_assignees(round_, wanted, current)
    if added or removed:
        record_audit("assign", "round", round_.id, township_id=round_.township_id,
                     detail={"added": added, "removed": removed})
    return added, removed


def copy_assignments(round_: Round) -> tuple[int, int]:
    """The round's teams and assignments become those of the previous round (active users
    only; teams by name, see teams.copy_teams); Problems if there is none. Audit
    entry copy_assignments. Returns (added, removed); does not commit."""
    from .teams import copy_teams  # teams.py builds on this module

    previous = previous_round(round_)
    if previous is None:
        raise Problems([Problem("no_previous_round", status=409)])
    team_ids = copy_teams(previous, round_)
    wanted = {g.id: {} for g in township_groups(round_.township_id)}
    for a in db.session.execute(
            db.select(Assignment).join(User, User.id == Assignment.user_id)
            .where(Assignment.round_id == previous.id, User.active.is_(True))
            .order_by(Assignment.id)).scalars():
        if a.group_id in wanted:
            wanted[a.group_id][a.user_id] = team_ids.get(a.team_id)
    added, removed = apply_assignees(round_, wanted, current_assignments(round_.id))
    record_audit("copy_assignments", "round", round_.id, township_id=round_.township_id,
                 detail={"from_round": previous.id, "added": added, "removed": removed,
                         "teams": len(team_ids)})
    return added, removed
