"""sync/geo.median_point: the reference point from the inspections' GPS."""
from sync.geo import median_point


def test_none_for_no_points():
    assert median_point([]) is None


def test_odd_and_even_counts_per_coordinate():
    assert median_point([(21.0, 100.0)]) == (21.0, 100.0)
    assert median_point([(21.0, 100.3), (23.0, 100.1), (22.0, 100.2)]) == (22.0, 100.2)
    assert median_point([(21.0, 100.0), (22.0, 101.0)]) == (21.5, 100.5)


def test_one_fix_far_away_does_not_move_it():
    near = [(21.95, 100.45), (21.951, 100.451), (21.949, 100.449)]
    assert median_point(near + [(39.9, 116.4)]) == median_point(near + [(21.952, 100.452)])
