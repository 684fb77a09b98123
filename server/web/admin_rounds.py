"""Admin: create and close rounds, and assign inspectors to a round's groups.

Every created or changed round and assignment goes into the change log, so phones get
it on their next pull; a removed assignment is a delete for its inspector.
"""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..audit import record_audit
from ..auth import roles_required
from ..changes import record_change
from ..extensions import db
from ..models import Assignment, Round, RubricVersion, User, Village, VillagerGroup
from ..scope import in_township
from .blueprints import admin as bp
from .forms import RoundForm, error_keys


@bp.route("/rounds/new", methods=["GET", "POST"])
@roles_required("admin")
def new_round():
    form = RoundForm()
    rubrics = db.session.execute(
        db.select(RubricVersion).order_by(RubricVersion.version.desc())).scalars().all()
    form.rubric_id.choices = [
        SelectChoice(value=r.id, label=f"{r.version}" + (f" · {r.title}" if r.title else ""))
        for r in rubrics]
    if request.method == "GET" and rubrics:
        form.rubric_id.data = rubrics[0].id
    errors = {}
    if form.validate_on_submit():
        round_ = Round(township_id=current_user.township_id, name=form.name.data,
                       starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                       rubric_id=form.rubric_id.data, red_size=form.red_size.data,
                       black_size=form.black_size.data, state="open")
        db.session.add(round_)
        db.session.flush()
        record_change(db.session, "round", round_.id, round_.township_id)
        record_audit("create_round", "round", round_.id, detail={
            "name": round_.name, "starts_on": round_.starts_on.isoformat(),
            "ends_on": round_.ends_on.isoformat(), "rubric_id": round_.rubric_id,
            "red_size": round_.red_size, "black_size": round_.black_size})
        db.session.commit()
        flash("admin.round_created")
        return redirect(url_for("admin.assignments", round_id=round_.id))
    if form.is_submitted():
        errors = error_keys(form)
    return render_template("web/admin_round_form.html", form=form, errors=errors), \
        400 if errors else 200


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@roles_required("admin")
def close_round(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    if round_.state != "open":
        flash("admin.round_not_open")
        return redirect(url_for("admin.index"))
    round_.state = "closed"
    record_change(db.session, "round", round_.id, round_.township_id)
    record_audit("close_round", "round", round_.id, detail={"name": round_.name})
    db.session.commit()
    flash("admin.round_closed")
    return redirect(url_for("admin.index"))


def township_groups(township_id: int) -> list[VillagerGroup]:
    return db.session.execute(
        db.select(VillagerGroup).join(Village).where(Village.township_id == township_id)
        .order_by(Village.id, VillagerGroup.id)).scalars().all()


def current_assignments(round_id: int) -> dict[int, list[Assignment]]:
    by_group: dict[int, list[Assignment]] = {}
    for a in db.session.execute(db.select(Assignment).where(
            Assignment.round_id == round_id).order_by(Assignment.id)).scalars():
        by_group.setdefault(a.group_id, []).append(a)
    return by_group


def previous_round(round_: Round) -> Round | None:
    """The township's round that started last before this one."""
    return db.session.execute(
        db.select(Round).where(
            Round.township_id == round_.township_id, Round.id != round_.id,
            sa.or_(Round.starts_on < round_.starts_on,
                   sa.and_(Round.starts_on == round_.starts_on, Round.id < round_.id)))
        .order_by(Round.starts_on.desc(), Round.id.desc()).limit(1)).scalar_one_or_none()


def apply_assignments(round_: Round, wanted: dict[int, dict[int, int | None]]) -> tuple[int, int]:
    """Makes the round's assignees of each group in `wanted` exactly {user_id: team_id}.

    Groups not in `wanted` are left alone. Returns (added, removed)."""
    current = current_assignments(round_.id)
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


def assignable_users(current: dict[int, list[Assignment]]) -> list[User]:
    """Active inspectors, and anyone already assigned (so a save never drops them silently)."""
    assigned = {a.user_id for assignments in current.values() for a in assignments}
    return db.session.execute(db.select(User).where(
        User.township_id == current_user.township_id,
        sa.or_(sa.and_(User.role == "inspector", User.active.is_(True)),
               User.id.in_(assigned)))
        .order_by(User.display_name, User.username)).scalars().all()


@bp.route("/rounds/<int:round_id>/assignments", methods=["GET", "POST"])
@roles_required("admin")
def assignments(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    groups = township_groups(round_.township_id)
    current = current_assignments(round_.id)
    users = assignable_users(current)
    error = None
    if request.method == "POST":
        wanted = parse_assignment_form(groups, {u.id for u in users}, current)
        if wanted is None:
            error = "admin.err_assignment_choice"
        else:
            added, removed = apply_assignments(round_, wanted)
            if added or removed:
                record_audit("assign", "round", round_.id,
                             detail={"added": added, "removed": removed})
            db.session.commit()
            flash("admin.assignments_saved")
            return redirect(url_for("admin.assignments", round_id=round_.id), 303)
    return render_template(
        "web/admin_assignments.html", round=round_, groups=groups, users=users,
        current={g: {a.user_id for a in assignments} for g, assignments in current.items()},
        previous=previous_round(round_), error=error), 400 if error else 200


def parse_assignment_form(groups, allowed: set[int], current) -> dict | None:
    """{group_id: {user_id: team_id}} for the groups the page showed; None if a choice is
    not one of the offered users."""
    by_id = {g.id: g for g in groups}
    wanted = {}
    for raw_group in request.form.getlist("group_ids"):
        if not raw_group.isdigit() or int(raw_group) not in by_id:
            continue  # a group of another township, or gone: ignore
        group_id = int(raw_group)
        teams = {a.user_id: a.team_id for a in current.get(group_id, [])}
        users = {}
        for raw_user in request.form.getlist(f"group-{group_id}"):
            if raw_user == "":
                continue
            if not raw_user.isdigit() or int(raw_user) not in allowed:
                return None
            users[int(raw_user)] = teams.get(int(raw_user))
        wanted[group_id] = users
    return wanted


@bp.route("/rounds/<int:round_id>/assignments/copy", methods=["POST"])
@roles_required("admin")
def copy_assignments(round_id: int):
    """This round's assignments become those of the previous round (active users only)."""
    round_ = in_township(Round, round_id, current_user)
    previous = previous_round(round_)
    if previous is None:
        flash("admin.no_previous_round")
        return redirect(url_for("admin.assignments", round_id=round_.id), 303)
    wanted = {g.id: {} for g in township_groups(round_.township_id)}
    for a in db.session.execute(
            db.select(Assignment).join(User, User.id == Assignment.user_id)
            .where(Assignment.round_id == previous.id, User.active.is_(True))
            .order_by(Assignment.id)).scalars():
        if a.group_id in wanted:
            wanted[a.group_id][a.user_id] = a.team_id
    added, removed = apply_assignments(round_, wanted)
    record_audit("copy_assignments", "round", round_.id,
                 detail={"from_round": previous.id, "added": added, "removed": removed})
    db.session.commit()
    flash("admin.assignments_copied")
    return redirect(url_for("admin.assignments", round_id=round_.id), 303)
