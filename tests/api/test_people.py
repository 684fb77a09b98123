"""Users and devices through the API: create, change role and name, (de)activate, reset a
password (and the new password it requires), device reports and revocation. Each admin
endpoint: inspector and supervisor 403, the township's admin works, another township's
admin 404."""
import pytest

from server.extensions import db
from server.models import AuditEntry, DeviceToken, User

from tests.support.admin import other_township_admin
from tests.support.web import login


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(User.id).where(User.username == username)).scalar_one()


def actions(app) -> list[str]:
    with app.app_context():
        return db.session.execute(
            db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()


@pytest.fixture
def admin(api):
    return api.as_user("admin")


@pytest.fixture
def other_admin(app, api):
    """The admin of another township, signed in."""
    return api.as_user(other_township_admin(app))



def device_id(app, session) -> int:
    with app.app_context():
        return db.session.execute(db.select(DeviceToken.id).where(
            DeviceToken.client_id == session.client_id)).scalar_one()


def admin_calls(app, phone) -> dict:
    """Every admin endpoint, as (method, path, body), aimed at this township's rows."""
    inspector = user_id(app, "inspector2")
    device = device_id(app, phone)
    return {
        "list users": ("get", "/users", None),
        "create user": ("post", "/users", {"username": "new1", "display_name": "新人",
                                           "role": "inspector", "password": "long-enough"}),
        "change user": ("patch", f"/users/{inspector}", {"display_name": "王芳芳"}),
        "reset password": ("post", f"/users/{inspector}/password-reset", {}),
        "list devices": ("get", "/devices", None),
        "revoke device": ("post", f"/devices/{device}/revoke", None),
    }


def send(session, method, path, body):
    return getattr(session, method)(path, **({"json": body} if body is not None else {}))


@pytest.mark.parametrize("who", ["inspector1", "supervisor1"])
def test_only_admins_manage_people(app, api, phone, who):
    session = phone if who == "inspector1" else api.as_user(who)
    for name, (method, path, body) in admin_calls(app, phone).items():
        response = send(session, method, path, body)
        assert (name, response.status_code) == (name, 403), response.get_json()
    assert actions(app) == []


def test_another_townships_admin_finds_nothing(app, phone, other_admin):
    for name, (method, path, body) in admin_calls(app, phone).items():
        response = send(other_admin, method, path, body)
        if path in ("/users", "/devices"):  # their own township's lists and users
            assert response.status_code in (200, 201), (name, response.get_json())
            assert "inspector2" not in str(response.get_json())
        else:
            assert (name, response.status_code) == (name, 404), response.get_json()
            assert response.get_json()["error"]["code"] == "not_found"
    assert phone.get("/sync/pull?limit=1").status_code == 200  # not revoked


def test_the_admin_lists_creates_and_changes_users(app, api, admin):
    listed = admin.get("/users").get_json()
    assert {u["username"] for u in listed} == {"admin", "supervisor1", "inspector1", "inspector2"}
    created = admin.post("/users", json={"username": " zhao ", "display_name": "赵六",
                                         "role": "inspector", "password": "long-enough"})
    assert created.status_code == 201, created.get_json()
    zhao = created.get_json()
    assert (zhao["username"], zhao["role"], zhao["active"]) == ("zhao", "inspector", True)
    changed = admin.patch(f"/users/{zhao['id']}", json={"role": "supervisor",
                                                        "display_name": " 赵六六 "})
    assert changed.status_code == 200
    assert (changed.get_json()["role"], changed.get_json()["display_name"]) == (
        "supervisor", "赵六六")
    assert api.as_user("zhao", "long-enough").get("/review/queue").status_code != 403
    assert admin.patch(f"/users/{zhao['id']}", json={"active": False}).get_json()["active"] is False
    assert api.client.post("/api/v1/auth/token", json={
        "username": "zhao", "password": "long-enough", "device_name": "x"}).status_code == 401
    assert admin.patch(f"/users/{zhao['id']}", json={"active": True}).get_json()["active"] is True
    assert actions(app) == ["create_user", "change_user", "deactivate_user", "reactivate_user"]
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).where(
            AuditEntry.action == "change_user")).scalar_one()
        assert entry.detail["role"] == {"from": "inspector", "to": "supervisor"}


@pytest.mark.parametrize("path_body, status, code, field", [
    (("post", "/users", {"username": "inspector1", "display_name": "x", "role": "inspector",
                         "password": "long-enough"}), 400, "invalid_request", "username"),
    (("post", "/users", {"username": "x1", "display_name": "x", "role": "boss",
                         "password": "long-enough"}), 400, "invalid_request", "role"),
    (("post", "/users", {"username": "x1", "display_name": "x", "role": "inspector",
                         "password": "short"}), 400, "invalid_request", "password"),
    (("patch", "/users/{me}", {"role": "inspector"}), 409, "cannot_change_own_role", None),
    (("patch", "/users/{me}", {"active": False}), 409, "cannot_deactivate_self", None),
    (("patch", "/users/{other}", {"display_name": "  "}), 400, "invalid_request",
     "display_name"),
    (("patch", "/users/{other}", {"display_name": "x" * 101}), 400, "invalid_request",
     "display_name"),
    (("patch", "/users/{other}", {"username": "renamed"}), 400, "invalid_request", "username"),
    (("patch", "/users/{other}", {"active": "perhaps"}), 400, "invalid_request", "active"),
    (("post", "/users/{other}/password-reset", {"password": "short"}), 400,
     "invalid_request", "password"),
    (("patch", "/users/99999999999", {"role": "inspector"}), 404, "not_found", None),
    (("post", "/users/2147483648/password-reset", {}), 404, "not_found", None),
    (("post", "/devices/99999/revoke", None), 404, "not_found", None),
])
def test_refusals_are_clear_and_write_nothing(app, admin, path_body, status, code, field):
    method, path, body = path_body
    path = path.format(me=user_id(app, "admin"), other=user_id(app, "inspector2"))
    response = send(admin, method, path, body)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    if field:
        assert field in error["fields"]
    assert actions(app) == []


def test_a_reset_password_must_be_changed_before_the_phone_signs_in(app, api, admin):
    phone = api.as_user("inspector1")  # signed in before the reset
    web = app.test_client()
    login(web, "inspector1")
    assert web.get("/password").status_code == 200
    response = admin.post(f"/users/{user_id(app, 'inspector1')}/password-reset", json={})
    assert response.status_code == 200
    temporary = response.get_json()["temporary_password"]
    assert len(temporary) >= 8 and response.get_json()["user"]["password_change_required"]

    assert phone.get("/sync/pull?limit=1").status_code == 200  # the phone stays signed in
    assert web.get("/password").status_code == 302             # the web session ended
    sign_in = {"username": "inspector1", "device_name": "new phone"}
    assert api.client.post("/api/v1/auth/token", json={
        **sign_in, "password": "demo1234"}).status_code == 401
    refused = api.client.post("/api/v1/auth/token", json={**sign_in, "password": temporary})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"

    change = {"username": "inspector1", "password": temporary}
    same = api.client.post("/api/v1/auth/password", json={**change, "new_password": temporary})
    assert same.status_code == 400 and "new_password" in same.get_json()["error"]["fields"]
    short = api.client.post("/api/v1/auth/password", json={**change, "new_password": "x"})
    assert short.status_code == 400
    wrong = api.client.post("/api/v1/auth/password", json={
        **change, "password": "not-it", "new_password": "my-own-password"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "invalid_credentials"
    assert api.client.post("/api/v1/auth/password", json={
        **change, "new_password": "my-own-password"}).status_code == 204
    assert api.as_user("inspector1", "my-own-password").user["username"] == "inspector1"
    assert api.client.post("/api/v1/auth/token", json={
        **sign_in, "password": temporary}).status_code == 401
    assert actions(app) == ["reset_password", "change_password"]


def test_the_admin_may_choose_the_temporary_password(app, api, admin):
    response = admin.post(f"/users/{user_id(app, 'inspector2')}/password-reset",
                          json={"password": "tell-her-this"})
    assert response.get_json()["temporary_password"] == "tell-her-this"
    assert api.client.post("/api/v1/auth/token", json={
        "username": "inspector2", "password": "tell-her-this",
        "device_name": "x"}).get_json()["error"]["code"] == "password_change_required"


def test_password_change_needs_its_fields(api):
    response = api.client.post("/api/v1/auth/password", json={"username": "inspector1"})
    assert response.status_code == 400
    assert {"password", "new_password"} <= set(response.get_json()["error"]["fields"])


def test_a_push_reports_the_device_and_the_admin_sees_it(app, admin, phone):
    [before] = [d for d in admin.get("/devices").get_json() if d["id"] == device_id(app, phone)]
    assert before["last_sync_at"] is None and before["app_version"] is None
    report = {"app_version": "abc123", "unsynced": {"inspections": 2, "rechecks": 1, "ledger": 4,
                                                    "photos": 5, "bytes": 3_000_000_000}}
    pushed = phone.post("/sync/push", json={"client_id": phone.client_id, "inspections": [],
                                            "device": report})
    assert pushed.status_code == 200, pushed.get_json()
    [after] = [d for d in admin.get("/devices").get_json() if d["id"] == device_id(app, phone)]
    assert after["app_version"] == "abc123" and after["unsynced"] == report["unsynced"]
    assert after["last_sync_at"] is not None and after["username"] == "inspector1"
    # a push without a report (an older app) keeps what was last said
    assert phone.push().status_code == 200
    [again] = [d for d in admin.get("/devices").get_json() if d["id"] == device_id(app, phone)]
    assert again["unsynced"] == report["unsynced"]


@pytest.mark.parametrize("device", [
    {"app_version": "x" * 41}, {"unsynced": {"inspections": -1}},
    {"unsynced": {"photos": "3"}}, {"unsynced": {"bytes": 2**63}},
    {"unsynced": {"inspections": 2**31}}, {"unsynced": {"drafts": 1}},
    {"unsynced": {"ledger": -1}}, {"model": "Pixel"},
])
def test_a_bad_device_report_is_refused(app, phone, device):
    response = phone.post("/sync/push", json={"client_id": phone.client_id,
                                              "inspections": [], "device": device})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_a_revoked_device_gets_401_and_others_keep_working(app, api, admin, phone):
    other = api.as_user("inspector1")
    response = admin.post(f"/devices/{device_id(app, phone)}/revoke")
    assert response.status_code == 200 and response.get_json()["revoked"] is True
    assert phone.push().status_code == 401
    assert phone.get("/sync/pull").get_json()["error"]["code"] == "unauthorized"
    assert other.push().status_code == 200
    # revoking again changes nothing and is not audited twice
    assert admin.post(f"/devices/{device_id(app, phone)}/revoke").status_code == 200
    assert actions(app) == ["revoke_device"]


def test_the_openapi_document_describes_people_and_devices(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {f"/api/v1{path}" for path in (
        "/users", "/users/{user_id}", "/users/{user_id}/password-reset", "/devices",
        "/devices/{device_id}/revoke", "/auth/password")} <= set(paths)
    assert "password_change_required" in paths["/api/v1/auth/token"]["post"]["description"]
