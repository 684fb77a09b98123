"""A township's points table (the setting's rows) as the bands a check is credited from
(sync.households.band_table, band_points): read on the shown score, from the highest
min_score down; below every row nothing; a counted veto the veto's points."""
from sync.households import (DEFAULT_POINTS_ROWS, DEFAULT_POINTS_TABLE, band_points,
                             band_table)


def test_the_default_rows_are_domain_md_s_table():
    table = band_table(DEFAULT_POINTS_ROWS, -10)
    assert table == DEFAULT_POINTS_TABLE
    assert [band_points(score, False, table) for score in (100, 90, 89.9, 80, 79.9, 70, 69.9,
                                                           60, 59.9, 0)] == [
        10, 10, 6, 6, 3, 3, 0, 0, -5, -5]
    assert band_points(99, True, table) == -10


def test_a_township_s_own_rows_and_veto():
    table = band_table([{"min_score": 85.5, "points": 8}, {"min_score": 50, "points": 1}], -20)
    assert band_points(85.5, False, table) == 8
    assert band_points(85.4, False, table) == 1
    assert band_points(50, False, table) == 1
    assert band_points(49.9, False, table) == 0      # below every row: nothing
    assert band_points(100, True, table) == -20
