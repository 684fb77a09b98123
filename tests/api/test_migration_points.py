"""Migration 0017: every township already there gets the default points rules, and the
database refuses to change a ledger entry."""
import sqlalchemy as sa
import pytest

from sync.ledger import DEFAULT_POINTS_RULES

from tests.support.migrations import ONE_GROUP, upgraded_over


def test_existing_townships_get_the_default_rules(app, database_url, tmp_path):
    engine = upgraded_over(app, database_url, tmp_path, "0016", ONE_GROUP[0],
                           "INSERT INTO townships (id, name, is_demo, display_precision) "
                           "VALUES (2, '乙乡', false, 1)")
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
        for statement in ONE_GROUP[1:]:
            connection.execute(sa.text(statement))
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
