"""Migration 0017: every township already there gets the default points rules, and the
database refuses to change a ledger entry."""
import sqlalchemy as sa
import pytest

from sync.ledger import DEFAULT_POINTS_RULES

from tests.support.migrations import empty_database_url, flask_cli


def test_existing_townships_get_the_default_rules(app, database_url, tmp_path):
    url = empty_database_url(app, database_url, tmp_path)
    assert flask_cli(url, "db", "upgrade", "0016").returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO townships (id, name, is_demo, display_precision) "
            "VALUES (1, '甲乡', false, 1), (2, '乙乡', false, 1)"))
    upgrade = flask_cli(url, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    with engine.connect() as connection:
        rules = connection.execute(sa.text(
            "SELECT township_id, key, points FROM points_rules ORDER BY township_id, id")).all()
    assert [tuple(r) for r in rules] == [(t, r["key"], r["points"]) for t in (1, 2)
                                         for r in DEFAULT_POINTS_RULES]
    with engine.connect() as connection:  # recorded for the phones to pull
        recorded = connection.execute(sa.text(
            "SELECT township_id, seq FROM changes WHERE entity_type = 'points_rule' "
            "ORDER BY seq")).all()
        counter = connection.execute(sa.text("SELECT value FROM sync_counter")).scalar()
    assert [t for t, _ in recorded] == [1] * 5 + [2] * 5
    assert [seq for _, seq in recorded] == list(range(counter - 9, counter + 1))
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO villages (id, township_id, name) VALUES (1, 1, '村');"))
        connection.execute(sa.text(
            "INSERT INTO villager_groups (id, village_id, name) VALUES (1, 1, '一组')"))
        connection.execute(sa.text(
            "INSERT INTO households (id, group_id, township_id, number, head, active) "
            "VALUES (1, 1, 1, '01', '岩温', true)"))
        connection.execute(sa.text(
            "INSERT INTO users (id, township_id, username, display_name, role, password_hash,"
            " active, session_version) VALUES (1, 1, 'a', 'A', 'inspector', 'x', true, 1)"))
        connection.execute(sa.text(
            "INSERT INTO ledger_entries (id, household_id, township_id, kind, points,"
            " recorded_by, recorded_at, received_at, flags) VALUES ('e1', 1, 1, 'deed', 5, 1,"
            " '2026-12-07 10:00:00+00', '2026-12-07 10:00:00+00', '[]')"))
    for statement in ("UPDATE ledger_entries SET points = 50", "DELETE FROM ledger_entries"):
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(sa.text(statement))
    engine.dispose()
