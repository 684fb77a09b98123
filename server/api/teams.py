"""A round's teams and assignments, for admins (rules: server/admin/teams.py)."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..admin import rounds as round_rules
from ..admin import teams as rules
from ..auth import authenticate, roles_required
from ..models import Round, Team
from ..scope import MAX_ID, in_township

blp = Blueprint("api_teams", __name__, description="A round's teams and assignments")

MAX_LIST = round_rules.MAX_LIST_SIZE


def id_list() -> fields.List:
    return fields.List(fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
                       load_default=list, validate=validate.Length(max=MAX_LIST))


class TeamIn(Schema):
    name = fields.String(required=True)
    member_ids = id_list()


class TeamOut(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    name = fields.String()
    member_ids = fields.List(fields.Integer())
    group_ids = fields.List(fields.Integer())


class GroupPlan(Schema):
    group_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID))
    team_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                             validate=validate.Range(1, MAX_ID))
    user_ids = id_list()


class AssignmentsIn(Schema):
    groups = fields.List(fields.Nested(GroupPlan), required=True,
                         validate=validate.Length(max=MAX_LIST))


class GroupAssignees(Schema):
    group_id = fields.Integer()
    team_id = fields.Integer(allow_none=True)
    user_ids = fields.List(fields.Integer(), metadata={"description": "every assignee, team members too"})


class AssignmentsOut(Schema):
    added = fields.Integer()
    removed = fields.Integer()
    groups = fields.List(fields.Nested(GroupAssignees))


def assignments_out(round_: Round, added: int = 0, removed: int = 0) -> dict:
    teams = rules.group_teams(round_.id)
    return {"added": added, "removed": removed, "groups": [
        {"group_id": group_id, "team_id": teams.get(group_id),
         "user_ids": sorted(a.user_id for a in assignments)}
        for group_id, assignments in sorted(round_rules.current_assignments(round_.id).items())]}


# One view per address: a second rule on an address with an id would make a huge id a
# 405 instead of the 404 of any other address no row can have.
@blp.route("/rounds/<int:round_id>/teams")
class RoundTeams(MethodView):
    @roles_required("admin")
    @blp.response(200, TeamOut(many=True))
    def get(self, round_id):
        round_ = in_township(Round, round_id, authenticate())
        return [rules.team_data(t) for t in rules.round_teams(round_.id)]

    @roles_required("admin")
    @blp.arguments(TeamIn)
    @blp.response(201, TeamOut)
    def post(self, body, round_id):
        round_ = in_township(Round, round_id, authenticate())
        team = rules.create_team(round_, body["name"], body["member_ids"])
        return rules.team_data(team)


@blp.route("/teams/<int:team_id>")
class OneTeam(MethodView):
    @roles_required("admin")
    @blp.arguments(TeamIn)
    @blp.response(200, TeamOut)
    def put(self, body, team_id):
        """Renames the team and sets its members; its groups' assignments follow."""
        team = in_township(Team, team_id, authenticate())
        rules.update_team(team, body["name"], body["member_ids"])
        return rules.team_data(team)

    @roles_required("admin")
    @blp.response(204)
    def delete(self, team_id):
        """The team and its members' assignments to its groups go."""
        rules.delete_team(in_township(Team, team_id, authenticate()))
        return ""


@blp.route("/rounds/<int:round_id>/assignments")
class RoundAssignments(MethodView):
    @roles_required("admin")
    @blp.response(200, AssignmentsOut)
    def get(self, round_id):
        return assignments_out(in_township(Round, round_id, authenticate()))

    @roles_required("admin")
    @blp.arguments(AssignmentsIn)
    @blp.response(200, AssignmentsOut)
    def put(self, body, round_id):
        """Each listed group is assigned to exactly its team's members and its persons;
        groups not listed stay as they are."""
        round_ = in_township(Round, round_id, authenticate(), lock=True)
        chosen = {g["group_id"]: g["user_ids"] for g in body["groups"]}
        team_ids = {g["group_id"]: g["team_id"] for g in body["groups"]}
        added, removed = rules.assign_groups(round_, chosen, team_ids)
        return assignments_out(round_, added, removed)


@blp.route("/rounds/<int:round_id>/assignments/copy", methods=["POST"])
@roles_required("admin")
@blp.response(200, AssignmentsOut)
def copy_assignments(round_id):
    """The previous round's teams and assignments (active users only)."""
    round_ = in_township(Round, round_id, authenticate(), lock=True)
    added, removed = round_rules.copy_assignments(round_)
    return assignments_out(round_, added, removed)
