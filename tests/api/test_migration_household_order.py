"""Migration 0018: the households already there get their 户号 sort key."""
import sqlalchemy as sa

from tests.support.migrations import ONE_GROUP, upgraded_over


def test_existing_households_get_their_sort_key(app, database_url, tmp_path):
    engine = upgraded_over(
        app, database_url, tmp_path, "0017", *ONE_GROUP,
        "INSERT INTO households (id, group_id, township_id, number, head, active) VALUES "
        "(1, 1, 1, '12-1', 'a', true), (2, 1, 1, '10', 'b', true), (3, 1, 1, '2', 'c', true)")
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT number, number_sort FROM households ORDER BY group_id, number_sort")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("2", "00000002"), ("10", "00000010"),
                                        ("12-1", "00000012-00000001")]
