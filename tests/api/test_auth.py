"""Sign-in for the API and the web pages, token revocation, roles."""
import re

import pytest

from tests.support.web import csrf_token, login


def test_token_for_good_credentials(client):
    response = client.post("/api/v1/auth/token", json={
        "username": "inspector1", "password": "demo1234", "device_name": "Redmi 9A"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["username"] == "inspector1"
    assert body["user"]["role"] == "inspector"
    assert len(body["token"]) >= 32 and body["client_id"]


def test_each_sign_in_is_a_new_device(api):
    first, second = api.as_user("inspector1"), api.as_user("inspector1")
    assert first.client_id != second.client_id and first.token != second.token


@pytest.mark.parametrize("username,password", [("inspector1", "wrong"), ("nobody", "demo1234")])
def test_bad_credentials(client, username, password):
    response = client.post("/api/v1/auth/token", json={
        "username": username, "password": password, "device_name": "x"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_token_is_stored_hashed(app, api):
    from server.extensions import db
    from server.models import DeviceToken

    session = api.as_user("inspector1")
    with app.app_context():
        stored = db.session.execute(db.select(DeviceToken.token_hash)).scalars().all()
    assert session.token not in stored and len(stored) == 1


def test_revoking_own_token(api):
    session = api.as_user("inspector1")
    assert session.get("/sync/pull").status_code == 200
    assert session.delete("/auth/token").status_code == 204
    response = session.get("/sync/pull")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_admin_revokes_a_lost_phone(app, api, client):
    phone = api.as_user("inspector1")
    login(client, "admin")
    page = client.get("/admin/")
    device_ids = re.findall(r'/admin/devices/(\d+)/revoke', page.get_data(as_text=True))
    assert len(device_ids) == 1
    response = client.post(f"/admin/devices/{device_ids[0]}/revoke",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert phone.get("/sync/pull").status_code == 401
    from server.extensions import db
    from server.models import AuditEntry
    with app.app_context():
        actions = db.session.execute(db.select(AuditEntry.action)).scalars().all()
    assert actions == ["revoke_device"]


def test_revoke_without_csrf_token_is_refused(api, client):
    api.as_user("inspector1")
    login(client, "admin")
    response = client.post("/admin/devices/1/revoke")
    assert response.status_code == 400


def test_web_sign_in_good_and_bad(client):
    assert login(client, "supervisor1", "wrong").status_code == 401
    response = login(client, "supervisor1")
    assert response.status_code == 302 and response.location.endswith("/review/")
    assert client.get("/review/").status_code == 200


@pytest.mark.parametrize("username,path,status", [
    ("inspector1", "/review/", 403), ("inspector1", "/admin/", 403),
    ("supervisor1", "/admin/", 403), ("supervisor1", "/review/", 200),
    ("admin", "/admin/", 200), ("admin", "/review/", 200),
])
def test_page_roles(client, username, path, status):
    login(client, username)
    assert client.get(path).status_code == status


def test_pages_need_sign_in(client):
    response = client.get("/review/")
    assert response.status_code == 302 and "/login" in response.location


def test_login_refuses_offsite_next(client):
    page = client.get("/login?next=https://evil.example/")
    response = client.post("/login?next=https://evil.example/", data={
        "username": "admin", "password": "demo1234", "csrf_token": csrf_token(page)})
    assert response.location.endswith("/admin/")
