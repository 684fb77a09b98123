"""One JSON error shape for 400/401/403/404/413/415 and friends."""
import pytest


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_400_malformed_json(client):
    response = client.post("/api/v1/auth/token", data="{not json",
                           content_type="application/json")
    assert_error(response, 400, "invalid_request")


def test_400_missing_fields_named(client):
    error = assert_error(client.post("/api/v1/auth/token", json={"username": "x"}),
                         400, "invalid_request")
    assert set(error["fields"]) == {"password", "device_name"}


def test_400_unknown_key(client):
    error = assert_error(client.post("/api/v1/auth/token", json={
        "username": "a", "password": "b", "device_name": "c", "admin": True}),
        400, "invalid_request")
    assert "admin" in error["fields"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc"])
def test_401(client, header):
    headers = {"Authorization": header} if header else {}
    assert_error(client.get("/api/v1/sync/pull", headers=headers), 401, "unauthorized")


def test_403_wrong_client_id(api):
    session = api.as_user("inspector1")
    response = session.post("/sync/push", json={"client_id": "someone-else", "inspections": []})
    assert_error(response, 403, "forbidden")


def test_404(api):
    assert_error(api.as_user("inspector1").get("/no/such/thing"), 404, "not_found")


def test_405(client):
    assert_error(client.get("/api/v1/auth/token"), 405, "method_not_allowed")


def test_413_body_too_large(api):
    session = api.as_user("inspector1")
    big = b'{"client_id": "x", "inspections": [], "pad": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    response = session.post("/sync/push", data=big, content_type="application/json")
    assert_error(response, 413, "too_large")


def test_413_too_many_inspections(api):
    session = api.as_user("inspector1")
    response = session.post("/sync/push", json={
        "client_id": session.client_id, "inspections": [{}] * 201})
    assert_error(response, 413, "too_large")


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.get_json()["paths"]
    assert "/api/v1/auth/token" in paths and "/api/v1/sync/push" in paths


def test_web_pages_get_a_readable_error(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert "was not found" in response.get_data(as_text=True)
    response = client.get("/no-such-page?lang=zh")
    assert "找不到" in response.get_data(as_text=True)
