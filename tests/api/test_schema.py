"""Migrations match the models; catalogues match each other; rubric round trip."""
import json
from pathlib import Path

from sync.rubric import DEFAULT_RUBRIC

from server.extensions import db
from server.models import RubricVersion
from tests.support.migrations import flask_cli

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_build_the_models_schema(app, database_url, tmp_path):
    url = database_url or f"sqlite:///{tmp_path / 'migrated.db'}"
    if database_url:  # the fixture's create_all made tables there; start from nothing
        with app.app_context():
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
    upgrade = flask_cli(url, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask_cli(url, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_stored_rubric_is_the_default_rubric(app):
    with app.app_context():
        stored = db.session.execute(db.select(RubricVersion)).scalar_one().to_dict()
    expected = {"version": DEFAULT_RUBRIC["version"], "subject": "group",
                "criteria": DEFAULT_RUBRIC["criteria"]}
    assert json.loads(json.dumps(stored)) == json.loads(json.dumps(expected))


def test_server_catalogues_have_the_same_keys():
    zh = json.loads((ROOT / "server/translations/zh.json").read_text("utf-8"))
    en = json.loads((ROOT / "server/translations/en.json").read_text("utf-8"))
    assert set(zh) == set(en)
    assert all(value.strip() for value in list(zh.values()) + list(en.values()))


def test_language_switch(client):
    assert 'lang="zh-CN"' in client.get("/").get_data(as_text=True)
    response = client.get("/lang/en?next=/board/")
    assert response.status_code == 302 and response.location.endswith("/board/")
    page = client.get("/board/").get_data(as_text=True)
    assert 'lang="en"' in page and "Red &amp; Black Lists" in page
