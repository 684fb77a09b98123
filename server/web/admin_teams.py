"""Admin: a round's teams (create, rename, set members, delete).

The rules, change log and audit entries are the domain's (server/admin/teams.py); which
groups a team visits is chosen on the assignments page (admin_rounds.py).
"""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..admin import rounds as round_rules
from ..admin import teams as rules
from ..auth import roles_required
from ..extensions import db
from ..models import Round, Team
from ..errors import Problem, Problems
from ..scope import in_township, is_id
from .blueprints import admin as bp
from .flashes import flash_message


def posted_members() -> list[int] | None:
    """The ticked members; None if one is not an id at all."""
    raw = request.form.getlist("member_ids")
    return [int(u) for u in raw] if all(is_id(u) for u in raw) else None


def teams_page(round_: Round, problems: list[Problem] = (), status: int = 200,
               refused: Team | None = None):
    """The round's teams; after a refusal the refused form (`refused`, or the new-team
    form) shows the name as typed, so a name too long is corrected, not retyped."""
    current = round_rules.current_assignments(round_.id)
    groups = {g.id: g for g in round_rules.township_groups(round_.township_id)}
    teams = rules.round_teams(round_.id)
    return render_template(
        "web/admin_teams.html", round=round_, teams=teams, problems=problems,
        users=round_rules.assignable_users(round_.township_id, current),
        team_groups={t.id: [groups[g] for g in rules.team_group_ids(t) if g in groups]
                     for t in teams},
        typed={(refused.id if refused else "new"): request.form.get("name", "")}
        if problems else {}), status


def save(round_: Round, team: Team | None):
    members = posted_members()
    if members is None:
        return teams_page(round_, [Problem("member_choice", field="member_ids")], 400, team)
    try:
        if team is None:
            rules.create_team(round_, request.form.get("name", ""), members)
        else:
            rules.update_team(team, request.form.get("name", ""), members)
    except Problems as exc:
        return teams_page(round_, exc.problems, 400, team)
    flash_message("admin.team_saved")
    return redirect(url_for("admin.teams", round_id=round_.id), 303)


@bp.route("/rounds/<int:round_id>/teams", methods=["GET", "POST"])
@roles_required("admin")
def teams(round_id: int):
    round_ = in_township(Round, round_id, current_user)
    return save(round_, None) if request.method == "POST" else teams_page(round_)


@bp.route("/teams/<int:team_id>", methods=["POST"])
@roles_required("admin")
def edit_team(team_id: int):
    team = in_township(Team, team_id, current_user)
    return save(db.session.get(Round, team.round_id), team)


@bp.route("/teams/<int:team_id>/delete", methods=["POST"])
@roles_required("admin")
def delete_team(team_id: int):
    team = in_township(Team, team_id, current_user)
    round_id = team.round_id
    rules.delete_team(team)
    flash_message("admin.team_deleted")
    return redirect(url_for("admin.teams", round_id=round_id), 303)
