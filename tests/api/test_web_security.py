"""Security headers on every response, trusted hosts, cookies, and ids no row can have."""
import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from server.scope import MAX_ID
from server.security import HEADERS
from tests.support.factories import close_round, inspection, with_photos
from tests.support.web import csrf_token, login

HUGE = "99999999999999999999"


@pytest.fixture
def admin(app):
    client = app.test_client()
    login(client, "admin")
    return client


@pytest.fixture
def published(web, phone, ref):
    """A round with one inspection, published: its poster exists."""
    pushed = with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 1}})
    round_id = ref["round"]["id"]
    page = web.get(f"/review/rounds/{round_id}/rankings")
    close_round(web.application, round_id)
    assert web.post(f"/review/rounds/{round_id}/publish",
                    data={"csrf_token": csrf_token(page)}).status_code == 303
    return {"round_id": round_id, "inspection": pushed}


def assert_secured(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    assert "unsafe-inline" not in HEADERS["Content-Security-Policy"].split("script-src")[1] \
        .split(";")[0]


def test_every_kind_of_response_carries_the_security_headers(client, web, admin, phone,
                                                              published):
    round_id = published["round_id"]
    sha = published["inspection"]["photos"][0]["sha256"]
    pages = [
        (client, "/login"), (client, "/board/"), (client, f"/board/rounds/{round_id}/poster"),
        (client, "/app/"), (client, "/app/app.js"), (client, "/app/sw.js"),
        (web, "/review/"), (web, f"/review/inspections/{published['inspection']['id']}"),
        (web, f"/review/rounds/{round_id}/rankings"), (web, f"/review/blobs/{sha}/thumb"),
        (admin, "/admin/"), (admin, f"/admin/rounds/{round_id}/assignments"),
        (client, "/static/pages.js"), (client, "/no/such/page"),
    ]
    for user, path in pages:
        response = user.get(path)
        assert response.status_code in (200, 404), path
        assert_secured(response)
    for response in (phone.get(f"/rounds/{round_id}/rankings"), phone.get("/pull"),
                     client.get("/api/v1/pull")):
        assert_secured(response)
    photo = phone.get(f"/blobs/{sha}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert_secured(photo)


def test_pages_have_no_inline_scripts_or_handlers(web, published):
    page = web.get(f"/review/rounds/{published['round_id']}/rankings").get_data(as_text=True)
    poster = web.get(f"/board/rounds/{published['round_id']}/poster").get_data(as_text=True)
    for html in (page, poster):
        assert "onsubmit=" not in html and "onclick=" not in html
        assert '<script src="/static/pages.js" defer></script>' in html


def test_an_untrusted_host_is_refused_not_redirected_to(client):
    response = client.get("/review/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert client.get("/review/", headers={"Host": "localhost:5000"}).status_code == 302
    assert client.get("/review/", headers={"Host": "127.0.0.1"}).status_code == 302
    api = client.get("/api/v1/pull", headers={"Host": "evil.example"})
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "invalid_request"


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    login(client, "supervisor1")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


@pytest.mark.parametrize("settings", [{"SECURE_COOKIES": "1"},
                                      {"PREFERRED_URL_SCHEME": "https", "PROXY_FIX": "1"}])
def test_behind_tls_cookies_are_secure_and_the_proxy_is_believed(tmp_path, monkeypatch,
                                                                   settings):
    from tests.support.apps import make_app

    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    app = make_app(tmp_path, None, seed="bare")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    client = app.test_client()
    login_page = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert 'name="csrf_token"' in login_page.get_data(as_text=True)
    assert "Secure" in login_page.headers.get("Set-Cookie", "")
    # One proxy hop is believed, and only when configured.
    assert isinstance(app.wsgi_app, ProxyFix) == bool(settings.get("PROXY_FIX"))


def test_huge_ids_are_not_found(client, web, phone, published):
    round_id = published["round_id"]
    assert client.get(f"/board/rounds/{HUGE}/poster").status_code == 404
    assert client.get(f"/board/rounds/{round_id}/poster?version={HUGE}").status_code == 404
    response = phone.get(f"/rounds/{HUGE}/rankings")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    last = web.get(f"/review/?page={HUGE}")
    assert last.status_code == 200 and "/review/inspections/" in last.get_data(as_text=True)
    assert web.get(f"/review/?round={HUGE}").status_code == 404
    assert web.get(f"/review/rounds/{round_id}/export/rankings.csv?version={HUGE}") \
        .status_code == 404
    assert web.get(f"/review/rounds/{MAX_ID + 1}/rankings").status_code == 404


def test_every_int_route_answers_404_to_a_huge_id(app, admin, phone):
    routes = [(rule, method) for rule in app.url_map.iter_rules() if "<int:" in rule.rule
              for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(routes) >= 10
    page = admin.get("/admin/")
    for rule, method in routes:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", HUGE)
        path = path.replace("<kind>.<fmt>", "rankings.csv").replace(
            "<any(deactivate, reactivate):action>", "deactivate")
        if path.startswith("/api/v1/"):
            response = getattr(phone, method.lower())(path.removeprefix("/api/v1"))
        else:
            response = admin.open(path, method=method, data={"csrf_token": csrf_token(page)})
        assert response.status_code == 404, (method, path, response.status_code)
        if path.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("field", ["client_rev", "base_version"])
def test_a_revision_too_large_for_the_database_is_refused_not_a_500(phone, ref, field):
    payload = inspection(ref["round"]["id"], ref["assigned"][0], **{field: MAX_ID + 1})
    response = phone.push(payload)
    assert response.status_code == 200
    result = response.get_json()["results"][0]
    assert result["outcome"] == "rejected" and field in result["errors"]
