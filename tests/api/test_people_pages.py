"""Admin pages for people and devices: edit a user, reset a password (shown once), the
password change it then requires, the device list; who may open them."""
import re

import pytest

from server.extensions import db
from server.models import DeviceToken, User

from tests.support.admin import other_township_admin
from tests.support.web import csrf_token, login


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(User.id).where(User.username == username)).scalar_one()


def signed_in(app, username: str, password: str = "demo1234"):
    client = app.test_client()
    login(client, username, password)
    client.get("/lang/en")
    return client


def post_form(client, path, data, page_path):
    page = client.get(page_path)
    return client.post(path, data={**data, "csrf_token": csrf_token(page)})


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def admin(app):
    return signed_in(app, "admin")


def test_edit_a_users_role_and_name(app, api, admin):
    path = f"/admin/users/{user_id(app, 'inspector2')}"
    response = post_form(admin, path, {"display_name": "王芳芳", "role": "supervisor"}, path)
    assert response.status_code == 302
    with app.app_context():
        changed = db.session.get(User, user_id(app, "inspector2"))
        assert (changed.display_name, changed.role) == ("王芳芳", "supervisor")
    refused = post_form(admin, path, {"display_name": " ", "role": "supervisor"}, path)
    assert refused.status_code == 400 and "Name: required" in text(refused)
    own = f"/admin/users/{user_id(app, 'admin')}"
    mine = post_form(admin, own, {"display_name": "周强", "role": "inspector"}, own)
    assert mine.status_code == 400 and "You cannot change your own role." in text(mine)


def test_a_reset_password_is_shown_once_and_must_be_changed(app, admin):
    path = f"/admin/users/{user_id(app, 'supervisor1')}"
    user = signed_in(app, "supervisor1")
    response = post_form(admin, f"{path}/password-reset", {"password": ""}, path)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'id="temporary-password">([^<]+)<', text(response)).group(1)
    assert temporary not in text(admin.get(path))
    assert user.get("/review/").status_code == 302       # the old session ended

    user = app.test_client()
    landed = login(user, "supervisor1", temporary)
    assert landed.headers["Location"].startswith("/password")
    assert user.get("/review/").headers["Location"].startswith("/password?next=")
    assert user.get("/admin/").headers["Location"].startswith("/password")
    assert user.get("/board/").status_code == 200          # public pages stay open
    page = user.get("/password")
    assert 'name="current_password"' not in text(page)
    token = csrf_token(page)
    same = user.post("/password", data={"new_password": temporary,
                                        "confirm_password": temporary, "csrf_token": token})
    assert same.status_code == 400
    changed = user.post("/password?next=/review/", data={
        "new_password": "mine-alone-1", "confirm_password": "mine-alone-1", "csrf_token": token})
    assert changed.status_code == 302 and changed.headers["Location"] == "/review/"
    assert user.get("/review/").status_code == 200         # signed in again, free to go
    assert login(app.test_client(), "supervisor1", "mine-alone-1").status_code == 302


def test_a_chosen_temporary_password_and_a_bad_one(app, api, admin):
    path = f"/admin/users/{user_id(app, 'inspector1')}"
    short = post_form(admin, f"{path}/password-reset", {"password": "short"}, path)
    assert short.status_code == 400 and "8 to 200 characters" in text(short)
    chosen = post_form(admin, f"{path}/password-reset", {"password": "read-it-out"}, path)
    assert "read-it-out" in text(chosen)


def test_changing_ones_own_password_asks_for_the_current_one(app):
    user = signed_in(app, "supervisor1")
    page = user.get("/password")
    assert 'name="current_password"' in text(page)
    data = {"new_password": "another-one", "confirm_password": "another-one",
            "csrf_token": csrf_token(page)}
    wrong = user.post("/password", data={**data, "current_password": "nope"})
    assert wrong.status_code == 400 and "the current password is wrong" in text(wrong)
    assert user.post("/password", data={**data, "current_password": "demo1234"}).status_code == 302
    assert user.get("/review/").status_code == 200


def test_the_device_list_shows_what_each_phone_reported(app, api, admin):
    assert "No device has signed in yet." in text(admin.get("/admin/devices"))
    phone = api.as_user("inspector1")
    phone.post("/sync/push", json={"client_id": phone.client_id, "inspections": [], "device": {
        "app_version": "c0ffee", "unsynced": {"inspections": 3, "rechecks": 0, "photos": 4,
                                              "bytes": 5 * 1048576}}})
    body = text(admin.get("/admin/devices"))
    assert "c0ffee" in body and "3 inspections, 0 rechecks, 4 photos (5.0 MB)" in body
    with app.app_context():
        device = db.session.execute(db.select(DeviceToken.id)).scalar_one()
    revoked = post_form(admin, f"/admin/devices/{device}/revoke", {"back": "devices"},
                        "/admin/devices")
    assert revoked.headers["Location"] == "/admin/devices"
    assert phone.push().status_code == 401
    assert "revoked" in text(admin.get("/admin/devices"))


@pytest.mark.parametrize("who", ["inspector1", "supervisor1"])
def test_only_admins_open_the_people_pages(app, who):
    client = signed_in(app, who)
    target = user_id(app, "inspector2")
    for path in (f"/admin/users/{target}", "/admin/devices"):
        assert client.get(path).status_code == 403
    assert post_form(client, f"/admin/users/{target}/password-reset", {}, "/password"
                     ).status_code == 403


def test_another_townships_admin_gets_404(app):
    other = signed_in(app, other_township_admin(app))
    target = user_id(app, "inspector2")
    assert other.get(f"/admin/users/{target}").status_code == 404
    assert post_form(other, f"/admin/users/{target}/password-reset", {},
                     "/admin/devices").status_code == 404
    assert "inspector" not in text(other.get("/admin/devices"))
    with app.app_context():
        assert not db.session.get(User, target).password_change_required
