"""Admin: create and close rounds, and assign inspectors to a round's groups.

The rules, change log and audit entries are the domain's (server/admin/rounds.py).
"""
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from sync.states import GROUP_SUBJECT, SUBJECTS

from ..admin import rounds as rules
from ..admin import teams as team_rules
from ..admin.rubrics import active_rubrics
from ..auth import roles_required
from ..models import Round
from ..errors import Problem, Problems
from ..scope import in_township, is_id
from ..i18n import t
from .blueprints import admin as bp
from .flashes import flash_message, flash_problems
from .forms import RoundForm, form_problems


def round_form(round_: Round | None) -> RoundForm:
    form = RoundForm(obj=round_) if round_ is not None else RoundForm()
    # each version says what it scores, so a household round's rubric is easy to find
    form.rubric_id.choices = [
        SelectChoice(value=r.id, label=f"{r.version} · {t('subject.' + r.subject)}"
                     + (f" · {r.title}" if r.title else ""))
        for r in active_rubrics(current_user.township_id)]
    form.subject.choices = [SelectChoice(value=s, label=t("subject." + s)) for s in SUBJECTS]
    if request.method == "GET" and round_ is None:
        form.subject.data = request.args.get("subject", GROUP_SUBJECT)
        form.rubric_id.data = rules.rubric_id(current_user.township_id,
                                              subject=form.subject.data)
    return form


def round_fields(form: RoundForm) -> dict:
    return {"name": form.name.data or "", "name_en": form.name_en.data,
            "starts_on": form.starts_on.data, "ends_on": form.ends_on.data,
            "rubric_id": form.rubric_id.data, "red_size": form.red_size.data,
            "black_size": form.black_size.data,
            "rectification_days": form.rectification_days.data}


def round_page(round_: Round | None):
    """The new-round form, or the edit form of `round_`: one page, the domain's rules.
    A round's subject is chosen when it is made and stays."""
    form = round_form(round_)
    problems = []
    if form.validate_on_submit():
        try:
            if round_ is None:
                saved = rules.create_round(current_user.township_id, **round_fields(form),
                                           subject=form.subject.data or GROUP_SUBJECT)
            else:
                rules.update_round(round_, **round_fields(form))
                saved = round_
        except Problems as exc:
            problems = exc.problems
        else:
            if round_ is not None:
                flash_message("admin.round_saved")
                return redirect(url_for("admin.index"))
            flash_message("admin.round_created")
            return redirect(url_for("admin.assignments", round_id=saved.id))
    elif form.is_submitted():
        problems = form_problems(form)
    return render_template("web/admin_round_form.html", form=form, problems=problems,
                           limits=rules.LIMITS, round=round_), \
        400 if problems else 200


@bp.route("/rounds/new", methods=["GET", "POST"])
@roles_required("admin")
def new_round():
    return round_page(None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_round(round_id: int):
    return round_page(in_township(Round, round_id, current_user))


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@roles_required("admin")
def close_round(round_id: int):
    try:
        rules.close_round(in_township(Round, round_id, current_user))
    except Problems as exc:
        flash_problems(exc)
    else:
        flash_message("admin.round_closed")
    return redirect(url_for("admin.index"))


@bp.route("/rounds/<int:round_id>/reopen", methods=["POST"])
@roles_required("admin")
def reopen_round(round_id: int):
    try:
        rules.reopen_round(in_township(Round, round_id, current_user),
                           request.form.get("reason", ""))
    except Problems as exc:
        flash_problems(exc)
    else:
        flash_message("admin.round_reopened")
    return redirect(url_for("admin.index"))


def chosen_assignees() -> tuple[dict[int, list[int]], dict[int, int | None]] | None:
    """({group_id: [user_id, ...]}, {group_id: team_id or None}) for the groups the page
    showed (a group without a team field keeps its assignees' teams); None if a choice is
    not an id at all (the domain decides whether an id may be chosen)."""
    chosen, team_ids = {}, {}
    for raw_group in request.form.getlist("group_ids"):
        if not is_id(raw_group):
            continue  # not a group the page showed: ignore, as the domain does
        raw_users = [u for u in request.form.getlist(f"group-{raw_group}") if u != ""]
        raw_team = request.form.get(f"team-{raw_group}")
        if not all(is_id(u) for u in raw_users) or raw_team not in (None, "") \
                and not is_id(raw_team):
            return None
        chosen[int(raw_group)] = [int(u) for u in raw_users]
        if raw_team is not None:
            team_ids[int(raw_group)] = int(raw_team) if raw_team else None
    return chosen, team_ids


def save_assignments(round_: Round) -> list[Problem]:
    posted = chosen_assignees()
    if posted is None:
        return [Problem("assignment_choice")]
    try:
        team_rules.assign_groups(round_, *posted)
    except Problems as exc:
        return exc.problems
    return []


@bp.route("/rounds/<int:round_id>/assignments", methods=["GET", "POST"])
@roles_required("admin")
def assignments(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    problems = []
    if request.method == "POST":
        problems = save_assignments(round_)
        if not problems:
            flash_message("admin.assignments_saved")
            return redirect(url_for("admin.assignments", round_id=round_.id), 303)
    current = rules.current_assignments(round_.id)
    return render_template(
        "web/admin_assignments.html", round=round_,
        groups=rules.township_groups(round_.township_id),
        users=rules.assignable_users(round_.township_id, current),
        teams=team_rules.round_teams(round_.id), group_teams=team_rules.group_teams(round_.id),
        # A group's persons: its assignees not there with a team.
        current={g: {a.user_id for a in assignments if a.team_id is None}
                 for g, assignments in current.items()},
        previous=rules.previous_round(round_), problems=problems), 400 if problems else 200


@bp.route("/rounds/<int:round_id>/assignments/copy", methods=["POST"])
@roles_required("admin")
def copy_assignments(round_id: int):
    """This round's assignments become those of the previous round (active users only)."""
    round_ = in_township(Round, round_id, current_user)
    try:
        rules.copy_assignments(round_)
    except Problems as exc:
        flash_problems(exc)
    else:
        flash_message("admin.assignments_copied")
    return redirect(url_for("admin.assignments", round_id=round_.id), 303)
