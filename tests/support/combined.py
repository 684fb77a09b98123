"""Published rounds to combine: a second round after the open one, both inspected,
closed and published through the API."""
from datetime import timedelta

from server.admin.rounds import close_round, create_round
from server.extensions import db
from server.models import Round
from tests.support.factories import inspection


def round_after(app, round_id: int, name: str) -> int:
    """A new open round of the same township in the month after round `round_id`."""
    with app.app_context():
        before = db.session.get(Round, round_id)
        starts_on = before.ends_on + timedelta(days=1)
        round_ = create_round(before.township_id, name=name, starts_on=starts_on,
                              ends_on=starts_on + timedelta(days=27), rubric_id=before.rubric_id)
        db.session.commit()
        return round_.id


def close(app, round_id: int) -> None:
    with app.app_context():
        close_round(db.session.get(Round, round_id))
        db.session.commit()


def publish_two_rounds(app, phone, boss, ref) -> dict:
    """Round 1: A loses 4 on bins, B 2 on roads, C 6 on roads. Round 2: A loses 2 on
    roads, B 3 on roads; C is not inspected (partial). Both closed and published."""
    a, b, c = ref["assigned"][:3]
    first = ref["round"]["id"]
    second = round_after(app, first, "第二轮")
    pushed = phone.push(
        inspection(first, a, deductions={"collection": {"bins": 4}}),
        inspection(first, b, deductions={"roads": {"road_dirty": 2}}),
        inspection(first, c, deductions={"roads": {"road_dirty": 6}}),
        inspection(second, a, deductions={"roads": {"road_dirty": 2}}),
        inspection(second, b, deductions={"roads": {"road_dirty": 3}}))
    assert pushed.status_code == 200
    snapshots = {}
    for round_id in (first, second):
        close(app, round_id)
        response = boss.post(f"/rounds/{round_id}/publish")
        assert response.status_code == 201
        snapshots[round_id] = {g["group_id"]: g for g in response.get_json()["groups"]}
    return {"a": a, "b": b, "c": c, "first": first, "second": second, "snapshots": snapshots}


def a_published_combined(app, boss, round_id: int) -> int:
    """The id of a published combined result of one new, empty round after `round_id`
    (which stays as it is)."""
    other = round_after(app, round_id, "另一轮")
    close(app, other)
    assert boss.post(f"/rounds/{other}/publish").status_code == 201
    response = boss.post("/combined", json={"name": "汇总", "rounds": [other]})
    assert response.status_code == 201
    return response.get_json()["id"]
