"""Star ratings' rule (sync.stars): the mean over the rounds a household was checked in,
shown at the township's precision, read against the thresholds; a veto means no star."""
import pytest

from sync.stars import StarResult, rate_households, stars_for

DEFAULT = {"5": 95, "4": 90, "3": 80, "2": 70, "1": 60}


def checked(household_id, score, veto=False):
    return {"household_id": household_id, "score": score, "veto": veto}


@pytest.mark.parametrize("score, stars", [
    (100, 5), (95, 5), (94.9, 4), (90, 4), (89.9, 3), (80, 3), (79.9, 2), (70, 2),
    (69.9, 1), (60, 1), (59.9, 0), (0, 0)])
def test_thresholds_at_their_edges(score, stars):
    assert stars_for(score, False, DEFAULT) == stars


def test_a_township_s_own_thresholds():
    own = {"5": 98, "4": 85.5, "3": 75, "2": 50, "1": 10}
    assert [stars_for(s, False, own) for s in (98, 97.9, 85.5, 85.4, 10, 9.9)] == [
        5, 4, 4, 3, 1, 0]


def test_a_veto_in_any_round_means_no_star():
    results = rate_households([[checked(1, 100, veto=True)], [checked(1, 100)]],
                              thresholds=DEFAULT)
    assert results == [StarResult(1, 100.0, 2, False, True, 0)]


def test_the_mean_over_the_rounds_checked_in_and_partial():
    results = rate_households(
        [[checked(1, 90), checked(2, 70)], [checked(1, 100)], [checked(1, 95), checked(3, 61)]],
        thresholds=DEFAULT)
    assert results == [StarResult(1, 95.0, 3, False, False, 5),
                       StarResult(2, 70.0, 1, True, False, 2),
                       StarResult(3, 61.0, 1, True, False, 1)]


def test_only_households_checked_in_some_round():
    assert rate_households([[], []], thresholds=DEFAULT) == []
    ids = [r.household_id for r in rate_households([[checked(7, 50)], []], thresholds=DEFAULT)]
    assert ids == [7]


def test_stars_are_read_on_the_shown_score_at_the_precision():
    rounds = [[checked(1, 90)], [checked(1, 89.94)]]        # mean 89.97
    one = rate_households(rounds, thresholds=DEFAULT, precision=1)
    two = rate_households(rounds, thresholds=DEFAULT, precision=2)
    assert (one[0].score, one[0].stars) == (90.0, 4)
    assert (two[0].score, two[0].stars) == (89.97, 3)


def test_rounding_is_half_up_like_household_results():
    results = rate_households([[checked(1, 94.95)]], thresholds=DEFAULT, precision=1)
    assert (results[0].score, results[0].stars) == (95.0, 5)


def test_an_unknown_precision_is_refused():
    with pytest.raises(ValueError):
        rate_households([], precision=3)
