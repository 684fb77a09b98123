"""/healthz: which part is down, without signing in."""
from server import create_app


def test_all_parts_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "blob_store": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_the_database_down(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}",
                      "BLOB_STORE": f"file://{tmp_path / 'blobs'}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "down", "blob_store": "ok"}
