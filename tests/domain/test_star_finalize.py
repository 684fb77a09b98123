"""Finalizing a star rating (server/points/star_notice.py) twice at once, on PostgreSQL:
the second supervisor waits for the rating's row lock, then finds it final (409
already_final), and the township's star points are written once."""
import pytest

from server.admin.township import change_settings
from server.errors import Problem
from server.extensions import db
from server.models import LedgerEntry, Round, User
from server.points.star_notice import finalize_rating
from server.points.stars import chosen_household_rounds, start_notice
from server.review.publishing import publish
from sync.ledger import STAR
from tests.support.household_rounds import household_round
from tests.support.two_sessions import twice_at_once


def user(username: str) -> User:
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one()


def test_two_finalizes_at_once_write_star_points_once(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers from BEGIN on: there is no 'at once'")
    made = household_round(state="closed")
    publish(db.session.get(Round, made.round_id), user("supervisor1"))
    change_settings(user("admin"), {"notice_days": 0, "star_points": {
        "5": 20, "4": 10, "3": 5, "2": 0, "1": 0}})
    boss = user("supervisor1")
    rating_id = start_notice(chosen_household_rounds([made.round_id], boss), boss,
                             "年度星级", None).rating_id
    db.session.commit()
    db.session.remove()

    def finalize() -> str:
        try:
            finalize_rating(rating_id, user("supervisor1"))
            return "final"
        except Problem as problem:
            return problem.code

    outcomes, errors = twice_at_once(app, finalize)
    assert errors == []
    assert sorted(outcomes) == ["already_final", "final"]
    h = made.households
    entries = db.session.execute(db.select(LedgerEntry.household_id, LedgerEntry.points)
                                 .where(LedgerEntry.kind == STAR)).all()
    # A01 93.0 ★4, A05 100.0 ★5, B01 86.0 ★3; A02's veto: no star, no points
    assert sorted(entries) == sorted([(h["A01"], 10), (h["A05"], 20), (h["B01"], 5)])
