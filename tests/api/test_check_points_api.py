"""Points from publishing a household round, through the API: POST /rounds/<id>/publish
credits each checked household (GET /households/<id>/ledger shows the `check` entry,
recorded by the publisher); `/rounds/<id>/results` answers what a band gives now under the
township's settings, and only a later published version adjusts the ledger."""
import pytest

from server.extensions import db
from server.models import User
from tests.support.factories import close_round
from tests.support.household_rounds import household_round


@pytest.fixture
def made(app):
    with app.app_context():
        return household_round()


def test_publishing_credits_and_a_later_version_adjusts(app, api, boss, phone, made):
    with app.app_context():
        boss_id = db.session.execute(db.select(User.id).where(
            User.username == "supervisor1")).scalar_one()
    a01 = made.households["A01"]
    close_round(app, made.round_id)
    assert boss.post(f"/rounds/{made.round_id}/publish").status_code == 201
    ledger = phone.get(f"/households/{a01}/ledger").get_json()
    assert ledger["balance"] == 10
    [entry] = ledger["entries"]
    assert (entry["kind"], entry["points"], entry["recorded_by"], entry["round_id"]) == (
        "check", 10, boss_id, made.round_id)
    # The township lowers the top band: the live results say so at once, the ledger
    # only when a new version is published.
    admin = api.as_user("admin")
    assert admin.put("/township/settings", json={"points_table": [
        {"min_score": 95, "points": 10}, {"min_score": 80, "points": 6}]}).status_code == 200
    live = {h["household_id"]: h["points"]
            for h in phone.get(f"/rounds/{made.round_id}/results").get_json()["households"]}
    assert live[a01] == 6
    assert phone.get(f"/households/{a01}/ledger").get_json()["balance"] == 10
    assert boss.post(f"/rounds/{made.round_id}/publish").status_code == 201
    ledger = phone.get(f"/households/{a01}/ledger").get_json()
    assert ledger["balance"] == 6
    assert [(e["kind"], e["points"]) for e in ledger["entries"]] in (
        [("adjust", -4), ("check", 10)], [("check", 10), ("adjust", -4)])
    # The same again: nothing more.
    assert boss.post(f"/rounds/{made.round_id}/publish").status_code == 201
    assert len(phone.get(f"/households/{a01}/ledger").get_json()["entries"]) == 2
