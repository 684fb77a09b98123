"""Two published household rounds of the seeded township to rate (call with the app):

    round 1 (household_round.py):  A01 93.0, A02 88.0 veto, A05 100.0, B01 86.0
    round 2 (the month before):    A01 100.0, A05 88.0
    rated over both:  A01 96.5 ★5 · A02 88.0 veto 0 (partial) · A05 94.0 ★4 ·
                      B01 86.0 ★3 (partial)

and the township's clock for one test (tests/conftest.py `township_clock`): sync.clock.township_today
replaced for the test and restored after it, so a notice's days pass without waiting.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sync import clock

from server.changes import record_change
from server.extensions import db
from server.models import Household, Round, RubricVersion
from tests.support.factories import close_round
from tests.support.household_rounds import add_check, household_round


@dataclass(frozen=True)
class RatedRounds:
    first: int
    second: int
    households: dict        # "A01" … → household id


def publish_two_household_rounds(app, boss) -> RatedRounds:
    with app.app_context():
        made = household_round()
        first = db.session.get(Round, made.round_id)
        starts_on = (first.starts_on - timedelta(days=1)).replace(day=1)
        second = Round(township_id=first.township_id, name="上月户评", name_en="Last month",
                       starts_on=starts_on, ends_on=first.starts_on - timedelta(days=1),
                       rubric=db.session.execute(db.select(RubricVersion).where(
                           RubricVersion.version == 1)).scalar_one(),
                       state="open", subject="household")
        db.session.add(second)
        db.session.flush()
        add_check(second, db.session.get(Household, made.households["A01"]), {})
        add_check(second, db.session.get(Household, made.households["A05"]),
                  {"collection": {"bins": 20}})
        record_change(db.session, "round", second.id, second.township_id)
        db.session.commit()
        second_id = second.id
    for round_id in (made.round_id, second_id):
        close_round(app, round_id)
        assert boss.post(f"/rounds/{round_id}/publish").status_code == 201
    return RatedRounds(made.round_id, second_id, made.households)


class TownshipClock:
    """The township's date for one test: `today`, moved on with `advance`."""

    def __init__(self, today: date):
        self.today = today

    def advance(self, days: int = 1) -> date:
        self.today += timedelta(days=days)
        return self.today


def replace_township_clock(monkeypatch) -> TownshipClock:
    """The township's today for one test, from today on (the `township_clock` fixture):
    monkeypatch restores the real clock after it."""
    township = TownshipClock(clock.township_today())
    monkeypatch.setattr(clock, "township_today", lambda: township.today)
    return township
