"""Points from publishing a household round (domain.md "Points": `check`; contract
"Details": bands on shown_score, first credit `check`, later differences `adjust`, a band
of 0 credits nothing, recorded_by the publisher), on SQLite and PostgreSQL, and household
results banded with the township's own points table (server/admin/township.py). The round
of tests/support/household_rounds.py."""
from server.admin.township import change_settings
from server.extensions import db
from server.models import Round, User
from server.review.household_results import live_results
from tests.support.household_rounds import household_round


def user(username: str) -> User:
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one()


def points_by_number(result) -> dict:
    return {(h["group_id"], h["number"]): h["points"] for h in result["households"]}


def test_results_are_banded_with_the_township_s_table_as_it_is_now():
    made = household_round()
    round_ = db.session.get(Round, made.round_id)
    a, b = made.group_a, made.group_b
    assert points_by_number(live_results(round_)) == {
        (a, "01"): 10, (a, "02"): -10, (a, "05"): 10, (b, "01"): 6}
    change_settings(user("admin"), {"points_table": [{"min_score": 93, "points": 7},
                                                     {"min_score": 50, "points": 2}],
                                    "veto_points": -20})
    db.session.commit()
    assert points_by_number(live_results(round_)) == {
        (a, "01"): 7, (a, "02"): -20, (a, "05"): 7, (b, "01"): 2}
