"""A household round's results (sync/households.py), with numbers worked by hand."""
import pytest

from sync.households import (DEFAULT_POINTS_TABLE, CountedCheck, HouseholdRef, band_points,
                             household_results)
from sync.rubric import InspectionScore

_ids = iter(range(1, 10**6))


def check(household, total, *, veto=False):
    return CountedCheck(f"i{next(_ids)}", household, InspectionScore(total, {}, veto))


def refs(*numbers, group=7, inactive=()):
    return [HouseholdRef(n, group, f"{n:02d}", f"户主{n}", active=n not in inactive)
            for n in numbers]


def by_id(results):
    return {h.household_id: h for h in results.households}


def test_a_households_score_is_the_plain_mean_of_its_checks():
    # Two checks by the same inspector still count twice, and no shrinkage toward
    # the others: (91 + 84) / 2 = 87.5, whatever household 2 scored.
    results = household_results(refs(1, 2), [check(1, 91.0), check(1, 84.0), check(2, 40.0)])
    one, two = by_id(results)[1], by_id(results)[2]
    assert (one.score, one.shown_score, one.inspections, one.points) == (87.5, 87.5, 2, 6)
    assert (two.score, two.shown_score, two.inspections, two.points) == (40.0, 40.0, 1, -5)
    assert results.not_checked == []


def test_the_shown_score_rounds_half_up_at_the_townships_precision():
    # (89.9375 + 90.0) / 2 = 89.96875 (exact in binary): 90.0 at one decimal, in the
    # +10 band; 89.97 at two, in the +6 band. The band reads the score as shown.
    checks = [check(1, 89.9375), check(1, 90.0)]
    one = household_results(refs(1), checks, precision=1).households[0]
    two = household_results(refs(1), checks, precision=2).households[0]
    assert one.score == two.score == 89.96875
    assert (one.shown_score, one.points) == (90.0, 10)
    assert (two.shown_score, two.points) == (89.97, 6)


def test_a_half_is_rounded_up_not_to_even():
    # 89.625 is exact in binary: half-up gives 89.63 (half-to-even would give 89.62).
    results = household_results(refs(1), [check(1, 89.625)], precision=2)
    assert results.households[0].shown_score == 89.63


@pytest.mark.parametrize("shown, points", [
    (100.0, 10), (90.0, 10), (89.9, 6), (80.0, 6), (79.9, 3), (70.0, 3), (69.9, 0),
    (60.0, 0), (59.9, -5), (0.0, -5)])
def test_the_default_bands(shown, points):
    assert band_points(shown, False) == points


def test_a_counted_veto_gives_minus_ten_whatever_the_score():
    results = household_results(refs(1), [check(1, 98.0), check(1, 96.0, veto=True)])
    one = results.households[0]
    assert (one.shown_score, one.veto, one.points) == (97.0, True, -10)
    assert band_points(97.0, True) == DEFAULT_POINTS_TABLE["veto"] == -10


def test_not_checked_are_the_active_households_without_a_counted_check():
    # 3 has only an all-N/A check (no total): it moves nothing, so 3 is not checked;
    # 4 is inactive and unchecked: not listed at all; 5 is inactive but was checked.
    results = household_results(refs(1, 2, 3, 4, 5, inactive=(4, 5)),
                                [check(1, 75.0), check(3, None), check(5, 61.0)])
    assert [h.household_id for h in results.households] == [1, 5]
    assert [h.household_id for h in results.not_checked] == [2, 3]
    assert by_id(results)[5].points == 0


def test_checks_of_households_not_given_are_ignored_and_the_order_is_kept():
    results = household_results(refs(9, 2, 5), [check(5, 70.0), check(9, 80.0),
                                                check(404, 10.0)])
    assert [h.household_id for h in results.households] == [9, 5]


def test_the_points_table_is_data():
    table = {"bands": ({"min": 50, "points": 1},), "below": -1, "veto": -3}
    results = household_results(refs(1, 2), [check(1, 55.0), check(2, 45.0)],
                                points_table=table)
    assert [h.points for h in results.households] == [1, -1]


def test_a_precision_other_than_one_or_two_is_refused():
    with pytest.raises(ValueError):
        household_results(refs(1), [], precision=3)
