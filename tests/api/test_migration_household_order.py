"""Migration 0018: the households already there get their 户号 sort key."""
import sqlalchemy as sa

from tests.support.migrations import empty_database_url, flask_cli


def test_existing_households_get_their_sort_key(app, database_url, tmp_path):
    url = empty_database_url(app, database_url, tmp_path)
    assert flask_cli(url, "db", "upgrade", "0017").returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO townships (id, name, is_demo, display_precision) "
            "VALUES (1, '甲乡', false, 1)"))
        connection.execute(sa.text(
            "INSERT INTO villages (id, township_id, name) VALUES (1, 1, '村')"))
        connection.execute(sa.text(
            "INSERT INTO villager_groups (id, village_id, name) VALUES (1, 1, '一组')"))
        connection.execute(sa.text(
            "INSERT INTO households (id, group_id, township_id, number, head, active) VALUES "
            "(1, 1, 1, '12-1', 'a', true), (2, 1, 1, '10', 'b', true), (3, 1, 1, '2', 'c', true)"))
    upgrade = flask_cli(url, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT number, number_sort FROM households ORDER BY group_id, number_sort")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("2", "00000002"), ("10", "00000010"),
                                        ("12-1", "00000012-00000001")]
