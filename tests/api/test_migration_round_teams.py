"""Migration 0008: teams made before they belonged to a round take the round of their
first assignment; a team no assignment names goes."""
import sqlalchemy as sa

from server.extensions import db

from tests.support.migrations import flask_cli

ROWS = """
INSERT INTO townships (id, name, is_demo) VALUES (1, '乡', false);
INSERT INTO rubric_versions (id, version) VALUES (1, 1);
INSERT INTO rounds (id, township_id, name, starts_on, ends_on, rubric_id, state, data_version)
  VALUES (1, 1, '一月', '2026-01-01', '2026-01-31', 1, 'closed', 0),
         (2, 1, '二月', '2026-02-01', '2026-02-28', 1, 'open', 0);
INSERT INTO users (id, township_id, username, display_name, role, password_hash, active,
                   session_version)
  VALUES (1, 1, 'a', 'A', 'inspector', 'x', true, 1);
INSERT INTO villages (id, township_id, name) VALUES (1, 1, '村');
INSERT INTO villager_groups (id, village_id, name) VALUES (1, 1, '一组');
INSERT INTO teams (id, township_id, name) VALUES (1, 1, '用过的'), (2, 1, '没用过的');
INSERT INTO team_members (team_id, user_id) VALUES (1, 1), (2, 1);
INSERT INTO assignments (id, round_id, group_id, user_id, team_id)
  VALUES (1, 1, 1, 1, 1), (2, 2, 1, 1, 1);
"""


def test_old_teams_take_the_round_of_their_first_assignment(app, database_url, tmp_path):
    url = database_url or f"sqlite:///{tmp_path / 'migrated.db'}"
    if database_url:
        with app.app_context():
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
    assert flask_cli(url, "db", "upgrade", "0004").returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in filter(str.strip, ROWS.split(";")):
            connection.execute(sa.text(statement))
    upgrade = flask_cli(url, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    with engine.connect() as connection:
        teams = connection.execute(sa.text("SELECT id, round_id FROM teams")).all()
        assignments = connection.execute(sa.text(
            "SELECT id, team_id FROM assignments ORDER BY id")).all()
        members = connection.execute(sa.text("SELECT team_id FROM team_members")).all()
    engine.dispose()
    assert [tuple(t) for t in teams] == [(1, 1)]
    assert [tuple(a) for a in assignments] == [(1, 1), (2, None)]
    assert [tuple(m) for m in members] == [(1,)]
