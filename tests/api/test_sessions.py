"""Sessions end on the server: a saved cookie is refused after sign-out, deactivation or a
new password; deactivation also revokes the user's devices for good."""
from server.extensions import db
from server.models import User
from tests.support.web import csrf_token, login


def copy_session(app, client):
    """Another browser holding a copy of this one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return client.get("/review/").status_code == 200


def post_admin(client, path):
    token = csrf_token(client.get("/admin/"))
    return client.post(path, data={"csrf_token": token})


def user_id(app, username):
    with app.app_context():
        return db.session.execute(
            db.select(User.id).where(User.username == username)).scalar_one()


def test_copied_cookie_stops_working_after_sign_out(app, client):
    login(client, "supervisor1")
    copy = copy_session(app, client)
    assert signed_in(copy)
    response = client.post("/logout", data={"csrf_token": csrf_token(client.get("/review/"))})
    assert response.status_code == 302
    assert not signed_in(client) and not signed_in(copy)
    assert copy.get("/review/").location.startswith("/login")
    login(client, "supervisor1")  # signing in again works
    assert signed_in(client)


def test_deactivation_ends_sessions_and_devices_for_good(app, client, api):
    browser = app.test_client()
    login(browser, "supervisor1")
    saved = copy_session(app, browser)
    phone = api.as_user("supervisor1")
    login(client, "admin")
    uid = user_id(app, "supervisor1")
    assert post_admin(client, f"/admin/users/{uid}/deactivate").status_code == 302
    assert post_admin(client, f"/admin/users/{uid}/reactivate").status_code == 302
    assert phone.get("/sync/pull").status_code == 401
    assert not signed_in(saved) and not signed_in(browser)
    with app.app_context():
        tokens = db.session.get(User, uid).tokens
        assert tokens and all(device.revoked_at is not None for device in tokens)
    login(browser, "supervisor1")
    assert signed_in(browser)


def test_new_password_ends_sessions(app, client):
    login(client, "supervisor1")
    with app.app_context():
        db.session.get(User, user_id(app, "supervisor1")).set_password("another-password")
        db.session.commit()
    assert not signed_in(client)
    login(client, "supervisor1", "another-password")
    assert signed_in(client)


def test_the_api_neither_reads_nor_writes_the_page_session(client, phone):
    """API calls sign in by token only: a browser's session cookie is no API sign-in,
    and an API answer never sets one."""
    login(client, "supervisor1")  # the same client as `phone`'s: it now holds a cookie
    assert client.get("/api/v1/sync/pull").status_code == 401
    response = phone.get("/sync/pull")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
