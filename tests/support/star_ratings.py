"""A published household round (tests/support/household_rounds.py's, closed and
published by supervisor1) to rate with stars from the pages, and the township's
settings as a test needs them."""
from server.extensions import db
from server.models import Household, Round, Township, User
from server.review.publishing import publish
from tests.support.factories import close_round
from tests.support.household_rounds import HouseholdRound, add_check, household_round

# What the round's published results rate, under the default thresholds:
#   A01 王建国 93.0 → ★★★★   A02 李秀英 veto → none   A05 陈明 100.0 → ★★★★★
#   B01 杨丽 86.0 → ★★★


def published_household_round(app, extra: int = 0) -> HouseholdRound:
    """The round, with `extra` more households in group B (户号 100…, each checked once,
    96 → ★★★★★), closed and published."""
    with app.app_context():
        made = household_round()
        if extra:
            round_ = db.session.get(Round, made.round_id)
            rows = [Household(group_id=made.group_b, township_id=round_.township_id,
                              number=f"{n}", head=f"户主{n}") for n in range(100, 100 + extra)]
            db.session.add_all(rows)
            db.session.flush()
            for row in rows:
                add_check(round_, row, {"collection": {"bins": 4}})
            db.session.commit()
    close_round(app, made.round_id)
    with app.app_context():
        publish(db.session.get(Round, made.round_id),
                db.session.execute(db.select(User).where(
                    User.username == "supervisor1")).scalar_one())
        db.session.commit()
    return made


def set_township(app, **settings) -> None:
    """The seeded township's settings (notice_days, objection_contact, ...), as stored."""
    with app.app_context():
        township = db.session.execute(db.select(Township)).scalars().first()
        for name, value in settings.items():
            setattr(township, name, value)
        db.session.commit()

