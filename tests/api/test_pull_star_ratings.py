"""Pull type `star_rating`: the township's ratings in notice or final, each as its latest
version in the contract's shape, pulled again whenever a version is made; a first pull
keeps ratings in notice, recent ones and the newest final one; never the shopkeeper's,
never another township's."""
from datetime import timedelta

from server.extensions import db
from server.models import StarRating, utcnow
from tests.support.star_rounds import publish_two_household_rounds
from tests.support.townships import other_township

SHAPE = {"id", "name", "name_en", "state", "version", "notice_ends_on", "households"}
HOUSEHOLD_SHAPE = {"household_id", "stars", "score", "rounds", "partial", "revoked"}


def ratings_in(changes):
    return {c["data"]["id"]: c["data"] for c in changes if c["type"] == "star_rating"}


def start(boss, made):
    response = boss.post("/star-ratings", json={"name": "年度星级", "rounds": [made.first,
                                                                          made.second]})
    assert response.status_code == 201
    return response.get_json()["id"]


def test_a_rating_is_pulled_and_pulled_again_with_each_version(app, api, boss, phone,
                                                              township_clock):
    made = publish_two_household_rounds(app, boss)
    rating_id = start(boss, made)
    changes, cursor = phone.pull_all()
    pulled = ratings_in(changes)[rating_id]
    assert SHAPE <= set(pulled) and (pulled["state"], pulled["version"]) == ("notice", 1)
    assert all(set(h) == HOUSEHOLD_SHAPE for h in pulled["households"])
    a01 = next(h for h in pulled["households"] if h["household_id"] == made.households["A01"])
    assert (a01["stars"], a01["score"], a01["partial"], a01["revoked"]) == (5, 96.5, False,
                                                                             False)
    township_clock.advance(3)
    assert boss.post(f"/star-ratings/{rating_id}/finalize").status_code == 200
    changes, cursor = phone.pull_all(cursor)
    assert (ratings_in(changes)[rating_id]["state"],
            ratings_in(changes)[rating_id]["version"]) == ("final", 2)
    assert boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": made.households["A01"], "reason": "摘牌"}).status_code == 200
    changes, _ = phone.pull_all(cursor)
    revoked = ratings_in(changes)[rating_id]
    assert revoked["version"] == 3 and [h["revoked"] for h in revoked["households"]
                                        if h["household_id"] == made.households["A01"]] == [True]
    # another township's phone, and a shopkeeper's, pull no rating
    other = other_township(app)
    assert ratings_in(api.as_user(other.usernames["inspector"]).pull_all()[0]) == {}
    admin = api.as_user("admin")
    assert admin.post("/users", json={"username": "shop1", "display_name": "李店员",
                                      "role": "shopkeeper", "password": "demo1234"}
                      ).status_code == 201
    assert ratings_in(api.as_user("shop1").pull_all()[0]) == {}


def test_a_first_pull_keeps_notice_recent_and_the_newest_final(app, boss, phone,
                                                               township_clock):
    made = publish_two_household_rounds(app, boss)
    old_final, newest_final, in_notice = (start(boss, made) for _ in range(3))
    township_clock.advance(3)
    for rating_id in (old_final, newest_final):
        assert boss.post(f"/star-ratings/{rating_id}/finalize").status_code == 200
    with app.app_context():
        for rating_id in (old_final, newest_final, in_notice):
            db.session.get(StarRating, rating_id).created_at = utcnow() - timedelta(days=200)
        db.session.commit()
    assert set(ratings_in(phone.pull_all()[0])) == {newest_final, in_notice}
