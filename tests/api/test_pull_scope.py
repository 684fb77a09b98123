"""A first pull stays small however long the township has used the product (contract,
Pull: scope): the current rounds' records, an old round's only while its review is
unseen by that device, assignments of unpublished rounds, live rectifications; later
pulls still carry every change; paging a first pull misses nothing that commits."""
from datetime import date, timedelta

import pytest

from server.changes import record_change
from server.extensions import db
from server.models import (Assignment, Inspection, Rectification, RectificationItem,
                           VillagerGroup)
from server.models.types import utcnow
from tests.support.combined import close, round_after
from tests.support.factories import inspection

LONG_AGO = timedelta(days=200)


def keyed(changes, entity_type):
    return {c["id"] for c in changes if c["type"] == entity_type and c["op"] == "put"}


def _review(boss, inspection_id, state="has_issues", comment="请补拍"):
    response = boss.post(f"/inspections/{inspection_id}/review",
                         json={"state": state, "comment": comment})
    assert response.status_code == 200, response.get_json()


def _reviewed_long_ago(app, *inspection_ids):
    """The reviews happened long ago: their time column set directly, as years of use
    leave it (no change recorded: nothing a phone would pull changed)."""
    with app.app_context():
        for inspection_id in inspection_ids:
            db.session.get(Inspection, inspection_id).updated_at = utcnow() - LONG_AGO
        db.session.commit()


def _rectification(app, round_id, group_id, decided_ago):
    """A rectification of one item: open (decided_ago None) or closed that long ago."""
    with app.app_context():
        rectification = Rectification(township_id=1, round_id=round_id, group_id=group_id,
                                      deadline=date.today() + timedelta(days=15),
                                      published_version=1)
        closed = decided_ago is not None
        rectification.items.append(RectificationItem(
            criterion="collection", item="bins", count=1, photo_ids=[],
            state="closed" if closed else "open",
            decided_at=utcnow() - decided_ago if closed else None))
        db.session.add(rectification)
        db.session.flush()
        record_change(db.session, "rectification", rectification.id, 1)
        db.session.commit()
        return str(rectification.id)


def _assign(app, round_id, group_id, user_id):
    with app.app_context():
        assignment = Assignment(round_id=round_id, group_id=group_id, user_id=user_id)
        db.session.add(assignment)
        db.session.flush()
        record_change(db.session, "assignment", assignment.id, 1, owner_id=user_id)
        db.session.commit()
        return str(assignment.id)


@pytest.fixture
def history(app, api, phone, ref, boss):
    """Three published rounds (oldest, middle, latest) and an open one after them, with
    inspector1's inspections of each; reviews long ago and lately; rectifications open,
    closed lately and closed long ago; assignments of the published rounds."""
    oldest = ref["round"]["id"]
    middle = round_after(app, oldest, "中间一轮")
    latest = round_after(app, middle, "最近发布")
    current = round_after(app, latest, "本月")
    a, b, c = ref["assigned"][:3]
    made = {
        "old_long": inspection(oldest, a), "old_recent": inspection(oldest, b),
        "old_unreviewed": inspection(oldest, c), "middle": inspection(middle, a),
        "latest": inspection(latest, a), "current": inspection(current, a),
    }
    assert phone.push(*made.values()).status_code == 200
    ids = {name: payload["id"] for name, payload in made.items()}
    for name in ("old_long", "old_recent", "middle", "latest"):
        _review(boss, ids[name])
    _reviewed_long_ago(app, ids["old_long"], ids["middle"], ids["latest"])
    for round_id in (oldest, middle, latest):
        close(app, round_id)
        assert boss.post(f"/rounds/{round_id}/publish").status_code == 201
    with app.app_context():   # groups publishing gave no rectification in that round
        groups = db.session.execute(db.select(VillagerGroup.id).where(
            VillagerGroup.id.not_in(db.select(Rectification.group_id).where(
                Rectification.round_id == oldest)))).scalars().all()
    ids.update(
        rect_open=_rectification(app, oldest, groups[0], None),
        rect_recent=_rectification(app, oldest, groups[1], timedelta(days=10)),
        rect_long=_rectification(app, oldest, groups[2], LONG_AGO),
        assigned_current=_assign(app, current, a, phone.user["id"]),
        assigned_middle=_assign(app, middle, a, phone.user["id"]))
    ids.update(oldest=oldest, middle_round=middle, latest_round=latest, current_round=current)
    return ids


def test_a_first_pull_carries_exactly_what_the_contract_says(api, history):
    changes, _ = api.as_user("inspector1").pull_all(limit=7)
    h = history
    # open round, latest published round, an old one reviewed lately; not the old ones
    # reviewed long ago nor an old one never reviewed
    assert keyed(changes, "inspection") == {h["current"], h["latest"], h["old_recent"]}
    comments = [c["data"] for c in changes if c["type"] == "comment"]
    assert {c["inspection_id"] for c in comments} == {h["latest"], h["old_recent"]}
    rounds_of = {c["data"]["round_id"] for c in changes if c["type"] == "assignment"}
    assert rounds_of == {h["current_round"]}
    assert h["assigned_current"] in keyed(changes, "assignment")
    rectifications = keyed(changes, "rectification")
    assert {h["rect_open"], h["rect_recent"]} <= rectifications
    assert h["rect_long"] not in rectifications
    # reference data whole: every round, published or not
    assert {h["oldest"], h["middle_round"], h["latest_round"], h["current_round"]} <= {
        c["data"]["id"] for c in changes if c["type"] == "round"}


def test_a_supervisors_first_pull_leaves_out_the_same_history(api, history):
    changes, _ = api.as_user("supervisor1").pull_all()
    assert {c["data"]["round_id"] for c in changes if c["type"] == "assignment"} == {
        history["current_round"]}
    assert history["rect_long"] not in keyed(changes, "rectification")
    assert history["middle"] not in keyed(changes, "inspection")


def test_a_later_pull_still_carries_a_change_to_an_old_inspection(api, boss, history):
    phone = api.as_user("inspector1")
    _, cursor = phone.pull_all()
    _review(boss, history["middle"], state="approved", comment="")
    changes, cursor = phone.pull_all(cursor=cursor)
    assert keyed(changes, "inspection") == {history["middle"]}
    assert changes[0]["data"]["review_state"] == "approved"
    assert phone.get(f"/sync/pull?cursor={cursor}").get_json()["changes"] == []


def test_a_device_that_pulled_before_gets_only_the_reviews_it_has_not_seen(
        app, api, boss, history):
    before = api.as_user("inspector1")
    before.pull_all()
    # reviewed after that device's pull, though dated long ago: unseen by it
    _review(boss, history["old_unreviewed"], state="approved", comment="")
    _reviewed_long_ago(app, history["old_unreviewed"])
    again, _ = before.pull_all()            # the same device starts over, with no cursor
    fresh, _ = api.as_user("inspector1").pull_all()   # a new device of the same user
    current = {history["current"], history["latest"]}
    assert keyed(again, "inspection") == current | {history["old_unreviewed"]}
    assert keyed(fresh, "inspection") == current | {history["old_recent"]}


def test_paging_a_first_pull_while_a_change_commits_misses_nothing(api, phone, boss, history):
    whole, _ = api.as_user("inspector1").pull_all(limit=1000)   # another new device's
    device = api.as_user("inspector1")
    page = device.get("/sync/pull?limit=5").get_json()
    assert page["has_more"]
    # while the device pages: an old inspection reviewed again, a new one pushed
    _review(boss, history["middle"], state="approved", comment="")
    pushed = inspection(history["current_round"], phone_group(whole))
    assert phone.push(pushed).status_code == 200
    rest, cursor = device.pull_all(cursor=page["cursor"], limit=5)
    got = page["changes"] + rest
    assert keyed(got, "inspection") == keyed(whole, "inspection") | {history["middle"],
                                                                      pushed["id"]}
    assert {(c["type"], c["id"]) for c in whole} <= {(c["type"], c["id"]) for c in got}
    assert device.get(f"/sync/pull?cursor={cursor}").get_json()["changes"] == []


def phone_group(changes):
    return next(c["data"]["group_id"] for c in changes if c["type"] == "assignment")


def test_an_old_round_is_read_on_demand(app, api, history):
    phone = api.as_user("inspector1")
    pulled = {c["id"]: c["data"] for c in phone.pull_all()[0] if c["type"] == "inspection"}
    answer = phone.get(f"/inspections?round_id={history['middle_round']}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["round_id"] == history["middle_round"]
    assert [i["id"] for i in body["inspections"]] == [history["middle"]]
    # the pull's inspection shape: the same keys as a pulled one
    assert set(body["inspections"][0]) == set(next(iter(pulled.values())))
    oldest = phone.get(f"/inspections?round_id={history['oldest']}").get_json()
    assert {i["id"] for i in oldest["inspections"]} == {
        history["old_long"], history["old_recent"], history["old_unreviewed"]}
    # another inspector has none of these; a supervisor reads the round's all
    assert api.as_user("inspector2").get(
        f"/inspections?round_id={history['oldest']}").get_json()["inspections"] == []
    assert len(api.as_user("supervisor1").get(
        f"/inspections?round_id={history['oldest']}").get_json()["inspections"]) == 3


@pytest.mark.parametrize("query", ["", "round_id=abc", "round_id=0", "round_id=-1",
                                   "round_id=99999999999999999999"])
def test_a_bad_round_for_history_is_400(api, query):
    response = api.as_user("inspector1").get(f"/inspections?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_another_townships_round_is_404(app, api):
    from tests.support.townships import other_township

    elsewhere = other_township(app)
    response = api.as_user("inspector1").get(f"/inspections?round_id={elsewhere.round_id}")
    assert response.status_code == 404
    assert api.as_user("inspector1").get("/inspections?round_id=999999").status_code == 404
