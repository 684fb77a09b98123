"""Every route has its rule: each API operation in the served OpenAPI document and each
page route is listed here with who may call it, and every kind of caller is tried
against it. A new route without its line here fails `test_every_route_has_a_rule`.

Callers: anonymous, a revoked token (API), a page cookie kept after sign-out (pages),
an inspector, a supervisor, an admin and a shopkeeper (phone only: the sync, the goods
and a household's ledger; every page 403, even with a page session opened before their
role changed); and the other township's callers against this township's objects, which
must answer as if they did not exist.
"""
import re

import pytest

from server.extensions import db
from server.models import User

from tests.support.factories import inspection, jpeg_bytes, photo_record, reference, uploaded
from tests.support.townships import more_users, other_township
from tests.support.web import csrf_token, login

PUBLIC = frozenset()                                  # anyone, signed in or not
ANY_ROLE = frozenset({"inspector", "supervisor", "admin"})
REVIEWERS = frozenset({"supervisor", "admin"})
ADMINS = frozenset({"admin"})
PHONE_SYNC = ANY_ROLE | {"shopkeeper"}               # every role's phone, the shopkeeper's too
USERS = {"inspector": "inspector1", "supervisor": "supervisor1", "admin": "admin",
         "shopkeeper": "shopkeeper1"}

# (method, rule as Flask writes it) → who may call it.
RULES = {
    # the API (its operations are also checked against the OpenAPI document)
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("POST", "/api/v1/auth/password"): PUBLIC,  # proves the current password itself
    ("DELETE", "/api/v1/auth/token"): PHONE_SYNC,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/sync/pull"): PHONE_SYNC,
    ("GET", "/api/v1/inspections"): ANY_ROLE,
    ("POST", "/api/v1/sync/push"): PHONE_SYNC,
    ("POST", "/api/v1/sync/bundle"): PHONE_SYNC,
    ("POST", "/api/v1/blobs/check"): PHONE_SYNC,
    ("HEAD", "/api/v1/blobs/<sha>"): PHONE_SYNC,
    ("PATCH", "/api/v1/blobs/<sha>"): PHONE_SYNC,
    ("GET", "/api/v1/blobs/<sha>"): ANY_ROLE,
    ("GET", "/api/v1/rounds"): ANY_ROLE,
    ("POST", "/api/v1/rounds"): ADMINS,
    ("POST", "/api/v1/rounds/<int:round_id>/close"): ADMINS,
    ("POST", "/api/v1/rounds/<int:round_id>/reopen"): ADMINS,
    ("GET", "/api/v1/rounds/<int:round_id>/rankings"): ANY_ROLE,
    ("GET", "/api/v1/rounds/<int:round_id>/rankings/published"): ANY_ROLE,
    ("POST", "/api/v1/rounds/<int:round_id>/publish"): REVIEWERS,
    ("GET", "/api/v1/rounds/<int:round_id>/results"): ANY_ROLE,
    ("GET", "/api/v1/rounds/<int:round_id>/teams"): ADMINS,
    ("POST", "/api/v1/rounds/<int:round_id>/teams"): ADMINS,
    ("GET", "/api/v1/rounds/<int:round_id>/assignments"): ADMINS,
    ("PUT", "/api/v1/rounds/<int:round_id>/assignments"): ADMINS,
    ("POST", "/api/v1/rounds/<int:round_id>/assignments/copy"): ADMINS,
    ("PUT", "/api/v1/teams/<int:team_id>"): ADMINS,
    ("DELETE", "/api/v1/teams/<int:team_id>"): ADMINS,
    ("POST", "/api/v1/inspections/<inspection_id>/review"): REVIEWERS,
    ("POST", "/api/v1/inspections/<inspection_id>/resolve"): REVIEWERS,
    ("POST", "/api/v1/inspections/<inspection_id>/admit"): REVIEWERS,
    ("POST", "/api/v1/photos/<photo_id>/review"): REVIEWERS,
    ("POST", "/api/v1/rechecks/<recheck_id>/review"): REVIEWERS,
    ("GET", "/api/v1/rectifications"): REVIEWERS,
    ("GET", "/api/v1/combined"): ANY_ROLE,
    ("POST", "/api/v1/combined"): REVIEWERS,
    ("GET", "/api/v1/combined/<int:combined_id>"): ANY_ROLE,
    ("GET", "/api/v1/star-ratings"): ANY_ROLE,
    ("GET", "/api/v1/star-ratings/preview"): ANY_ROLE,
    ("POST", "/api/v1/star-ratings"): REVIEWERS,
    ("GET", "/api/v1/star-ratings/<int:rating_id>"): ANY_ROLE,
    ("POST", "/api/v1/star-ratings/<int:rating_id>/objections"): REVIEWERS,
    ("POST", "/api/v1/objections/<int:objection_id>/decide"): REVIEWERS,
    ("POST", "/api/v1/star-ratings/<int:rating_id>/finalize"): REVIEWERS,
    ("POST", "/api/v1/star-ratings/<int:rating_id>/revoke"): REVIEWERS,
    ("GET", "/api/v1/rubrics"): ADMINS,
    ("GET", "/api/v1/rubrics/<int:version>"): ADMINS,
    ("PUT", "/api/v1/rubrics/<int:version>"): ADMINS,
    ("POST", "/api/v1/rubrics/<int:version>/copy"): ADMINS,
    ("POST", "/api/v1/rubrics/<int:version>/activate"): ADMINS,
    ("GET", "/api/v1/places.csv"): ADMINS,
    ("POST", "/api/v1/places/import"): ADMINS,
    ("GET", "/api/v1/households"): ANY_ROLE,
    ("GET", "/api/v1/households.csv"): ANY_ROLE,
    ("POST", "/api/v1/households/import"): ADMINS,
    ("GET", "/api/v1/households/<int:household_id>/ledger"): PHONE_SYNC,
    ("POST", "/api/v1/ledger"): REVIEWERS,
    ("GET", "/api/v1/points-rules"): ANY_ROLE,
    ("PUT", "/api/v1/points-rules"): ADMINS,
    ("GET", "/api/v1/goods"): PHONE_SYNC,
    ("PUT", "/api/v1/goods"): ADMINS,
    ("PUT", "/api/v1/groups/<int:group_id>/reference"): ADMINS,
    ("POST", "/api/v1/groups/<int:group_id>/reference/from-inspections"): ADMINS,
    ("GET", "/api/v1/users"): ADMINS,
    ("POST", "/api/v1/users"): ADMINS,
    ("PATCH", "/api/v1/users/<int:user_id>"): ADMINS,
    ("POST", "/api/v1/users/<int:user_id>/password-reset"): ADMINS,
    ("GET", "/api/v1/devices"): ADMINS,
    ("POST", "/api/v1/devices/<int:device_id>/revoke"): ADMINS,
    ("GET", "/api/v1/township/settings"): ANY_ROLE,
    ("PUT", "/api/v1/township/settings"): ADMINS,
    # pages open to everyone
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/lang/<code>"): PUBLIC,
    ("GET", "/app/"): PUBLIC,
    ("GET", "/app/<path:path>"): PUBLIC,
    ("GET", "/static/<path:filename>"): PUBLIC,
    ("GET", "/board/"): PUBLIC,
    ("GET", "/board/rounds/<int:round_id>/poster"): PUBLIC,
    ("GET", "/board/combined/<int:combined_id>/poster"): PUBLIC,
    ("GET", "/board/stars/<int:rating_id>"): PUBLIC,
    # pages of a signed-in user
    ("GET", "/password"): ANY_ROLE,
    ("POST", "/password"): ANY_ROLE,
    # supervisors' pages
    ("GET", "/review/"): REVIEWERS,
    ("GET", "/review/inspections/<inspection_id>"): REVIEWERS,
    ("POST", "/review/inspections/<inspection_id>/review"): REVIEWERS,
    ("POST", "/review/inspections/<inspection_id>/admit"): REVIEWERS,
    ("GET", "/review/inspections/<inspection_id>/conflict"): REVIEWERS,
    ("POST", "/review/inspections/<inspection_id>/conflict"): REVIEWERS,
    ("POST", "/review/photos/<photo_id>/review"): REVIEWERS,
    ("GET", "/review/blobs/<sha>/<variant>"): REVIEWERS,
    ("GET", "/review/conflicts"): REVIEWERS,
    ("GET", "/review/combined"): REVIEWERS,
    ("POST", "/review/combined/publish"): REVIEWERS,
    ("GET", "/review/combined/<int:combined_id>"): REVIEWERS,
    ("GET", "/review/combined/export.<fmt>"): REVIEWERS,
    ("GET", "/review/combined/<int:combined_id>/export.<fmt>"): REVIEWERS,
    ("GET", "/review/rankings"): REVIEWERS,
    ("GET", "/review/rounds/<int:round_id>/rankings"): REVIEWERS,
    ("GET", "/review/rounds/<int:round_id>/publish"): REVIEWERS,
    ("POST", "/review/rounds/<int:round_id>/publish"): REVIEWERS,
    ("GET", "/review/rounds/<int:round_id>/export/<kind>.<fmt>"): REVIEWERS,
    ("GET", "/review/rounds/<int:round_id>/export/photos.zip"): REVIEWERS,
    ("GET", "/review/results"): REVIEWERS,
    ("GET", "/review/rounds/<int:round_id>/results"): REVIEWERS,
    ("POST", "/review/rounds/<int:round_id>/results/publish"): REVIEWERS,
    ("GET", "/review/rounds/<int:round_id>/results.<fmt>"): REVIEWERS,
    ("GET", "/review/rechecks"): REVIEWERS,
    ("GET", "/review/rechecks/<recheck_id>"): REVIEWERS,
    ("POST", "/review/rechecks/<recheck_id>/review"): REVIEWERS,
    ("GET", "/review/rectifications"): REVIEWERS,
    ("GET", "/review/rectifications/<int:rectification_id>/notice"): REVIEWERS,
    ("GET", "/review/stars"): REVIEWERS,
    ("POST", "/review/stars"): REVIEWERS,
    ("GET", "/review/stars/<int:rating_id>"): REVIEWERS,
    ("POST", "/review/stars/<int:rating_id>/objections"): REVIEWERS,
    ("POST", "/review/stars/objections/<int:objection_id>/decide"): REVIEWERS,
    ("POST", "/review/stars/<int:rating_id>/finalize"): REVIEWERS,
    ("POST", "/review/stars/<int:rating_id>/revoke"): REVIEWERS,
    ("GET", "/review/stars/<int:rating_id>/plaques.<fmt>"): REVIEWERS,
    ("GET", "/review/households/<int:household_id>"): REVIEWERS,
    ("POST", "/review/households/<int:household_id>/adjust"): REVIEWERS,
    ("POST", "/review/households/<int:household_id>/void"): REVIEWERS,
    ("GET", "/review/households/<int:household_id>/passbook"): REVIEWERS,
    ("GET", "/review/groups/<int:group_id>/passbooks"): REVIEWERS,
    ("GET", "/review/overdrafts"): REVIEWERS,
    # admins' pages
    ("GET", "/admin/"): ADMINS,
    ("GET", "/admin/devices"): ADMINS,
    ("POST", "/admin/devices/<int:device_id>/rename"): ADMINS,
    ("POST", "/admin/devices/<int:device_id>/revoke"): ADMINS,
    ("GET", "/admin/users/new"): ADMINS,
    ("POST", "/admin/users/new"): ADMINS,
    ("GET", "/admin/users/<int:user_id>"): ADMINS,
    ("POST", "/admin/users/<int:user_id>"): ADMINS,
    ("POST", "/admin/users/<int:user_id>/<any(deactivate, reactivate):action>"): ADMINS,
    ("POST", "/admin/users/<int:user_id>/password-reset"): ADMINS,
    ("GET", "/admin/places.csv"): ADMINS,
    ("GET", "/admin/places/import"): ADMINS,
    ("POST", "/admin/places/import"): ADMINS,
    ("POST", "/admin/places/import/confirm"): ADMINS,
    ("GET", "/admin/households"): ADMINS,
    ("GET", "/admin/households.csv"): ADMINS,
    ("POST", "/admin/households/import"): ADMINS,
    ("POST", "/admin/households/import/confirm"): ADMINS,
    ("GET", "/admin/groups/<int:group_id>/reference"): ADMINS,
    ("POST", "/admin/groups/<int:group_id>/reference"): ADMINS,
    ("POST", "/admin/groups/<int:group_id>/reference/from-inspections"): ADMINS,
    ("GET", "/admin/rounds/new"): ADMINS,
    ("POST", "/admin/rounds/new"): ADMINS,
    ("GET", "/admin/rounds/<int:round_id>/edit"): ADMINS,
    ("POST", "/admin/rounds/<int:round_id>/edit"): ADMINS,
    ("POST", "/admin/rounds/<int:round_id>/close"): ADMINS,
    ("POST", "/admin/rounds/<int:round_id>/reopen"): ADMINS,
    ("GET", "/admin/rounds/<int:round_id>/assignments"): ADMINS,
    ("POST", "/admin/rounds/<int:round_id>/assignments"): ADMINS,
    ("POST", "/admin/rounds/<int:round_id>/assignments/copy"): ADMINS,
    ("GET", "/admin/rounds/<int:round_id>/teams"): ADMINS,
    ("POST", "/admin/rounds/<int:round_id>/teams"): ADMINS,
    ("POST", "/admin/teams/<int:team_id>"): ADMINS,
    ("POST", "/admin/teams/<int:team_id>/delete"): ADMINS,
    ("GET", "/admin/rubrics"): ADMINS,
    ("GET", "/admin/rubrics/<int:version>"): ADMINS,
    ("POST", "/admin/rubrics/<int:version>"): ADMINS,
    ("POST", "/admin/rubrics/<int:version>/copy"): ADMINS,
    ("POST", "/admin/rubrics/<int:version>/activate"): ADMINS,
    ("GET", "/admin/township"): ADMINS,
    ("POST", "/admin/township"): ADMINS,
}

# Values for path parameters naming nothing that exists (allowed callers get a 4xx of
# the object, never 401/403), or a fixed word the route expects.
PLACEHOLDERS = {"sha": "0" * 64, "variant": "thumb", "fmt": "csv", "kind": "scores",
                "action": "deactivate", "code": "en", "path": "index.html",
                "filename": "site.css"}
NOWHERE = "999999999"


def routes(app):
    """(method, rule) of every route the app serves (HEAD and OPTIONS come with GET)."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"OPTIONS"}):
            if method == "HEAD" and "GET" in rule.methods:
                continue
            yield method, rule.rule


def path_of(rule: str, values: dict) -> str:
    def fill(match):
        name = match.group("name")
        return str(values.get(name, PLACEHOLDERS.get(name, NOWHERE)))
    return re.sub(r"<(?:[^:<>]+:)?(?P<name>[^<>:]+)>", fill, rule.replace(
        "<any(deactivate, reactivate):action>", "<action>"))


def test_every_route_has_a_rule(app):
    served = set(routes(app))
    assert served - RULES.keys() == set(), "routes without a rule here"
    assert RULES.keys() - served == set(), "rules here for routes the app no longer serves"


def test_every_documented_operation_has_a_rule(client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(method.upper(), re.sub(r"\{(\w+)\}", r"<\1>", path))
                  for path, operations in document["paths"].items()
                  for method in operations if method != "parameters"}
    listed = {(method, re.sub(r"<(?:[^:<>]+:)?([^<>:]+)>", r"<\1>", rule))
              for method, rule in RULES if rule.startswith("/api/")}
    assert documented - listed == set()


class Caller:
    """Someone calling the app: a token for the API, a cookie session for the pages."""

    def __init__(self, app, username: str | None):
        self.client = app.test_client()
        self.headers = {}
        self.username = username
        if username is not None:
            response = self.client.post("/api/v1/auth/token", json={
                "username": username, "password": "demo1234", "device_name": "matrix"})
            self.headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
            assert login(self.client, username).status_code == 302
        self.csrf = csrf_token(self.client.get("/password" if username else "/login"))

    def call(self, method: str, path: str):
        if path.startswith("/api/"):
            return self.client.open(path, method=method, headers=self.headers,
                                    json={} if method in ("POST", "PUT", "PATCH") else None)
        data = {"csrf_token": self.csrf} if method == "POST" else None
        return self.client.open(path, method=method, data=data)


# The pages a shopkeeper's page session still reaches: the public ones a phone needs and
# the ways out. Every other page answers them 403, the public sign-in page included.
SHOPKEEPER_PAGES = {"/healthz", "/lang/<code>", "/logout", "/app/", "/app/<path:path>",
                    "/static/<path:filename>", "/board/", "/board/rounds/<int:round_id>/poster",
                    "/board/combined/<int:combined_id>/poster", "/board/stars/<int:rating_id>"}


def refused(response, path: str) -> bool:
    if path.startswith("/api/"):
        return response.status_code in (401, 403)
    if response.status_code == 302:
        return response.headers["Location"].startswith("/login")
    return response.status_code == 403


@pytest.fixture
def callers(app):
    """anonymous, the three roles, a revoked token and a cookie kept after sign-out."""
    everyone = {"anonymous": Caller(app, None)}
    everyone.update({role: Caller(app, username) for role, username in USERS.items()
                     if role != "shopkeeper"})
    # A shopkeeper cannot open a page session (POST /login answers 403): theirs was opened
    # while they were an inspector, and their role changed after.
    more_users(app, "inspector", [USERS["shopkeeper"]])
    everyone["shopkeeper"] = Caller(app, USERS["shopkeeper"])
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(
            username=USERS["shopkeeper"])).scalar_one()
        user.role = "shopkeeper"
        db.session.commit()
    revoked = Caller(app, "inspector1")
    assert revoked.client.delete("/api/v1/auth/token",
                                 headers=revoked.headers).status_code == 204
    everyone["revoked token"] = revoked
    signed_out = Caller(app, *more_users(app, "supervisor", ["supervisor_signed_out"]))
    cookie = signed_out.client.get_cookie("session")
    signed_out.client.post("/logout", data={"csrf_token": signed_out.csrf})
    signed_out.client.set_cookie(cookie.key, cookie.value)  # kept, and sent again
    everyone["signed-out cookie"] = signed_out
    return everyone


def allowed_for(caller_name: str) -> str | None:
    return caller_name if caller_name in USERS else None


SKIPPED_AS = {  # calls that would end the caller's own session before the others ran
    ("DELETE", "/api/v1/auth/token"), ("POST", "/logout"),
}


def test_each_caller_gets_what_its_role_allows(app, callers):
    wrong = []
    for method, rule in sorted(RULES):
        if (method, rule) in SKIPPED_AS:
            continue
        path = path_of(rule, {})
        for name, caller in callers.items():
            role = allowed_for(name)
            may = not RULES[(method, rule)] or role in RULES[(method, rule)]
            if role == "shopkeeper" and not path.startswith("/api/"):
                may = rule in SHOPKEEPER_PAGES
            if name == "revoked token" and not path.startswith("/api/"):
                continue  # its page session is still live: only its token was revoked
            if name == "signed-out cookie" and path.startswith("/api/"):
                continue  # the API never reads a cookie (tests/api/test_sessions.py)
            response = caller.call(method, path)
            if refused(response, path) == may or response.status_code >= 500 or (
                    role == "shopkeeper" and not may and response.status_code != 403):
                wrong.append((name, method, path, response.status_code))
    assert wrong == []


@pytest.fixture
def objects_of_a(app, api):
    """This township's objects, named by the path parameters that address them."""
    inspector = api.as_user("inspector1")
    ref = reference(inspector)
    data = uploaded(inspector, jpeg_bytes(seed=57))
    photo = photo_record(data)
    payload = inspection(ref["round"]["id"], ref["assigned"][0],
                         deductions={"collection": {"bins": 1}}, photos=[photo])
    assert inspector.push(payload).get_json()["results"][0]["outcome"] == "applied"
    teams = api.as_user("admin").get(f"/rounds/{ref['round']['id']}/teams").get_json()
    devices = api.as_user("admin").get("/devices").get_json()
    return {"round_id": ref["round"]["id"], "group_id": ref["assigned"][0],
            "inspector_name": inspector.user["display_name"],
            "user_id": inspector.user["id"], "inspection_id": payload["id"],
            "photo_id": photo["id"], "sha": photo["sha256"],
            "team_id": teams["teams"][0]["id"] if isinstance(teams, dict) else teams[0]["id"],
            "device_id": (devices["devices"] if isinstance(devices, dict) else devices)[0]["id"]}


# The upload protocol answers about bytes, never about whose they are: a phone resuming
# an upload learns how much of a blob the server holds, whoever sent it.
UPLOAD_PROTOCOL = {("HEAD", "/api/v1/blobs/<sha>"), ("PATCH", "/api/v1/blobs/<sha>")}


def test_the_other_township_reaches_none_of_these_objects(app, objects_of_a):
    b = other_township(app)
    callers = {role: Caller(app, username) for role, username in b.usernames.items()}
    reached = []
    for method, rule in sorted(RULES.keys() - UPLOAD_PROTOCOL):
        params = set(re.findall(r"<(?:[^:<>]+:)?([^<>:]+)>", rule))
        if not params & objects_of_a.keys() or not RULES[(method, rule)]:
            continue  # nothing of A's in the path, or a public page (the board)
        path = path_of(rule, objects_of_a)
        for role, caller in callers.items():
            if role not in RULES[(method, rule)]:
                continue
            response = caller.call(method, path)
            if response.status_code < 400 or objects_of_a["inspector_name"] in response.text:
                reached.append((role, method, path, response.status_code))
    assert reached == []
