"""GET /rounds/<id>/results and publishing a household round (contract, "Household
rounds"), on the round of tests/support/household_rounds.py."""
import pytest

from server.extensions import db
from tests.support.factories import close_round
from tests.support.household_rounds import household_round
from tests.support.townships import other_township

HOUSEHOLD_KEYS = {"household_id", "group_id", "number", "head", "score", "shown_score",
                  "inspections", "veto", "points"}


@pytest.fixture
def made(app):
    with app.app_context():
        return household_round()


def test_the_results_have_exactly_the_contracts_shape(phone, made):
    response = phone.get(f"/rounds/{made.round_id}/results")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"round", "computed_at", "published", "precision", "households",
                         "not_checked"}
    assert body["published"] is None and body["precision"] == 1
    assert body["round"]["id"] == made.round_id
    assert all(set(h) == HOUSEHOLD_KEYS for h in body["households"])
    first = body["households"][0]
    assert first == {"household_id": made.households["A01"], "group_id": made.group_a,
                     "number": "01", "head": "王建国", "score": 93.0, "shown_score": 93.0,
                     "inspections": 2, "veto": False, "points": 10}
    assert [(h["number"], h["points"]) for h in body["households"]] == [
        ("01", 10), ("02", -10), ("05", 10), ("01", 6)]
    assert body["not_checked"] == [
        {"household_id": made.households["A03"], "group_id": made.group_a, "number": "03",
         "head": "张伟"},
        {"household_id": made.households["B02"], "group_id": made.group_b, "number": "02",
         "head": "赵强"}]


@pytest.mark.parametrize("user", ["inspector1", "supervisor1", "admin"])
def test_every_township_user_reads_them(api, made, user):
    assert api.as_user(user).get(f"/rounds/{made.round_id}/results").status_code == 200


def test_a_group_round_is_the_wrong_subject(phone, ref, made):
    response = phone.get(f"/rounds/{ref['round']['id']}/results")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "wrong_subject"
    assert "rankings" in response.get_json()["error"]["message"]


def test_another_townships_round_and_no_round_are_404(app, api, made):
    b = other_township(app)
    stranger = api.as_user(b.usernames["supervisor"])
    assert stranger.get(f"/rounds/{made.round_id}/results").status_code == 404
    assert stranger.get("/rounds/999999/results").status_code == 404
    assert api.as_user("inspector1").get(f"/rounds/{b.round_id}/results").status_code == 404


def test_publishing_answers_the_frozen_results_and_a_later_edit_leaves_them(app, api, boss,
                                                                           made):
    close_round(app, made.round_id)
    response = boss.post(f"/rounds/{made.round_id}/publish")
    assert response.status_code == 201
    published = response.get_json()
    assert published["published"]["version"] == 1 and published["round"]["state"] == "published"
    assert [h["points"] for h in published["households"]] == [10, -10, 10, 6]
    assert boss.get(f"/rectifications?round_id={made.round_id}").get_json() == {
        "rectifications": []}
    # A supervisor admits the late check afterwards: the live results count it.
    assert boss.post(f"/inspections/{made.late_check}/admit",
                     json={"reason": "checked on the last day"}).status_code == 200
    live = boss.get(f"/rounds/{made.round_id}/results").get_json()
    assert live["published"]["version"] == 1
    assert len(live["households"]) == 5 and len(published["households"]) == 4
    with app.app_context():
        from server.models import Round
        from server.review.household_results import published_results
        frozen = published_results(db.session.get(Round, made.round_id))
    assert frozen == published


def test_an_open_household_round_cannot_be_published(boss, made):
    response = boss.post(f"/rounds/{made.round_id}/publish")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "round_not_closed"
