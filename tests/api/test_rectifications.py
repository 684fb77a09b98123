"""Rectifications: opened by publishing a round, pulled by every inspector, listed,
overdue after their deadline, carried over to the next round's lists, printed."""
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import AuditEntry, Rectification, Round
from sync.clock import township_today
from tests.support.factories import close, inspection, published_black_list


@pytest.fixture
def listed(app, phone, boss, ref):
    return published_black_list(app, phone, boss, ref)


def rectifications_by_group(app) -> dict:
    with app.app_context():
        rows = db.session.execute(db.select(Rectification)).scalars().all()
        return {r.group_id: {"id": r.id, "deadline": r.deadline,
                             "version": r.published_version,
                             "items": {(i.criterion, i.item): (i.count, list(i.photo_ids))
                                       for i in r.items}} for r in rows}


def photo_ids(payload, criterion, item):
    return [p["id"] for p in payload["photos"] if (p["criterion"], p["item"]) == (criterion, item)]


def test_publishing_opens_one_per_black_list_group_with_its_deductions_and_photos(app, listed):
    black = {g["group_id"] for g in listed["published"]["groups"] if g["list"] == "black"}
    assert black == {listed["b"], listed["c"]}
    found = rectifications_by_group(app)
    assert set(found) == black
    b = listed["inspections"]["b"]
    assert found[listed["b"]]["items"] == {
        ("collection", "bins"): (2, photo_ids(b, "collection", "bins")),
        ("roads", "road_dirty"): (3, photo_ids(b, "roads", "road_dirty"))}
    assert found[listed["c"]]["items"] == {
        ("roads", "road_dirty"): (6, photo_ids(listed["inspections"]["c"], "roads", "road_dirty"))}
    assert found[listed["b"]]["deadline"] == township_today() + timedelta(days=15)
    assert found[listed["b"]]["version"] == 1
    with app.app_context():
        audited = db.session.execute(db.select(AuditEntry.entity_id).where(
            AuditEntry.action == "open_rectification")).scalars().all()
    assert sorted(audited) == sorted(str(r["id"]) for r in found.values())


def test_counted_deductions_summed_and_void_ones_left_out(app, phone, boss, ref):
    def second_look_and_a_rejected_photo(inspections):
        phone.push(inspection(ref["round"]["id"], ref["assigned"][1],
                              deductions={"collection": {"bins": 4}}))
        bad = photo_ids(inspections["b"], "roads", "road_dirty")[0]
        assert boss.post(f"/photos/{bad}/review",
                         json={"accepted": False, "reason": "看不清"}).status_code == 200

    listed = published_black_list(app, phone, boss, ref,
                                  before_publish=second_look_and_a_rejected_photo)
    items = rectifications_by_group(app)[listed["b"]]["items"]
    # bins: 2 + 4 over two counted inspections; road_dirty: its only photo was rejected
    assert items == {("collection", "bins"): (
        6, photo_ids(listed["inspections"]["b"], "collection", "bins"))}


def test_republishing_adds_only_newly_listed_groups(app, boss, listed):
    first = rectifications_by_group(app)
    # C's only photo rejected: C rises to the top and A joins B on the Black List
    photo = listed["inspections"]["c"]["photos"][0]["id"]
    boss.post(f"/photos/{photo}/review", json={"accepted": False, "reason": "不是本组"})
    second = boss.post(f"/rounds/{listed['round_id']}/publish").get_json()
    assert second["published"]["version"] == 2
    assert {g["group_id"] for g in second["groups"] if g["list"] == "black"} \
        == {listed["a"], listed["b"]}
    again = rectifications_by_group(app)
    assert {k: again[k] for k in first} == first   # C's stays: it was listed once
    assert set(again) == {listed["a"], listed["b"], listed["c"]}
    assert again[listed["a"]]["version"] == 2
    assert again[listed["a"]]["items"] == {("collection", "bins"): (
        1, photo_ids(listed["inspections"]["a"], "collection", "bins"))}


def test_every_inspector_pulls_them(api, listed):
    other = api.as_user("inspector2")
    changes, _ = other.pull_all()
    pulled = {c["data"]["group_id"]: c["data"] for c in changes if c["type"] == "rectification"}
    assert set(pulled) == {listed["b"], listed["c"]}
    c = pulled[listed["c"]]
    assert set(c) == {"id", "round_id", "group_id", "deadline", "state", "items"}
    assert c["state"] == "open" and c["round_id"] == listed["round_id"]
    photo = listed["inspections"]["c"]["photos"][0]
    assert c["items"] == [{"criterion": "roads", "item": "road_dirty", "count": 6,
                           "photo_ids": [photo["id"]],
                           "photos": [{"id": photo["id"], "sha256": photo["sha256"]}],
                           "state": "open"}]
