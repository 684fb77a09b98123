"""GET /rounds/<id>/rankings, publishing and the frozen snapshot."""
import csv
import io

import pytest

from server.extensions import db
from server.models import Round
from tests.support.factories import close_round, inspection, with_photos

FIELDS = {"group_id", "village", "name", "rank", "score", "raw_score", "inspections",
          "inspectors", "low_confidence", "veto", "list", "reason", "change"}


def by_group(ranking):
    return {g["group_id"]: g for g in ranking["groups"]}


@pytest.fixture
def scored_round(phone, ref):
    """Three groups: A loses 4 (bins, with photos), B loses 2, C loses 6."""
    a, b, c = ref["assigned"][:3]
    first = with_photos(phone, ref, a, {"collection": {"bins": 4}}, seed=1)
    phone.push(inspection(ref["round"]["id"], b, deductions={"roads": {"road_dirty": 2}}),
               inspection(ref["round"]["id"], c, deductions={"roads": {"road_dirty": 6}}))
    return {"a": a, "b": b, "c": c, "inspection": first, "round_id": ref["round"]["id"]}


def test_ranking_shape_and_numbers(client, phone, scored_round):
    assert phone.get("/rounds/999/rankings").status_code == 404
    assert client.get(f"/api/v1/rounds/{scored_round['round_id']}/rankings").status_code == 401
    response = phone.get(f"/rounds/{scored_round['round_id']}/rankings")
    assert response.status_code == 200
    body = response.get_json()
    assert {"round", "computed_at", "published", "groups", "not_inspected"} <= set(body)
    assert body["round"]["id"] == scored_round["round_id"] and body["published"] is None
    assert all(FIELDS <= set(g) for g in body["groups"])
    groups = by_group(body)
    a, b, c = (groups[scored_round[k]] for k in "abc")
    assert (a["raw_score"], b["raw_score"]) == (96.0, 98.0)
    assert c["raw_score"] == pytest.approx(94.0)
    mean = (96 + 98 + 94) / 3
    assert a["score"] == pytest.approx((96 + 2 * mean) / 3)
    assert [b["rank"], a["rank"], c["rank"]] == [1, 2, 3]
    assert a["low_confidence"] and a["inspections"] == 1 and a["change"] is None
    assert c["list"] == "black" and "路面积水" in c["reason"] and "×6" in c["reason"]
    assert len(body["not_inspected"]) == 37 - 3
    assert {"group_id", "village", "name"} <= set(body["not_inspected"][0])


def test_a_push_shows_in_the_next_ranking(phone, scored_round):
    """The cache rule itself is tested in tests/domain/test_rankings.py."""
    url = f"/rounds/{scored_round['round_id']}/rankings"
    first = phone.get(url).get_json()
    phone.push(inspection(scored_round["round_id"], scored_round["b"],
                          deductions={"roads": {"road_dirty": 10}}))
    third = phone.get(url).get_json()
    assert third["computed_at"] != first["computed_at"]
    assert by_group(third)[scored_round["b"]]["inspections"] == 2


def test_a_writer_that_bumps_nothing_still_refreshes_the_ranking(api, phone, scored_round):
    """Nobody keeps rankings fresh by hand: a places import only records its changes for
    the phones, and the renamed group shows at once."""
    url = f"/rounds/{scored_round['round_id']}/rankings"
    b = by_group(phone.get(url).get_json())[scored_round["b"]]
    admin = api.as_user("admin")
    rows = list(csv.reader(io.StringIO(admin.get("/places.csv").get_data().decode("utf-8-sig"))))
    row = next(r for r in rows if (r[0], r[2]) == (b["village"], b["name"]))
    row[3] = "Renamed Group"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    imported = admin.post("/places/import", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(out.getvalue().encode()), "places.csv")})
    assert imported.status_code == 200, imported.get_data(as_text=True)
    assert by_group(phone.get(url).get_json())[b["group_id"]]["name_en"] == "Renamed Group"


def test_a_photo_review_voids_its_deduction_in_the_ranking_and_back(phone, boss, scored_round):
    """Which deductions are void, and what that does to the rank, is tested in
    tests/domain/test_rankings.py and tests/unit/test_ranking.py."""
    url = f"/rounds/{scored_round['round_id']}/rankings"
    before = by_group(phone.get(url).get_json())[scored_round["a"]]
    photo = scored_round["inspection"]["photos"][0]
    boss.post(f"/photos/{photo['id']}/review", json={"accepted": False, "reason": "不是本组"})
    after = by_group(phone.get(url).get_json())[scored_round["a"]]
    assert (before["raw_score"], after["raw_score"]) == (96.0, 100.0)
    boss.post(f"/photos/{photo['id']}/review", json={"accepted": True})
    assert by_group(phone.get(url).get_json())[scored_round["a"]]["raw_score"] == 96.0


def test_rejected_inspection_stops_counting(phone, boss, scored_round):
    url = f"/rounds/{scored_round['round_id']}/rankings"
    boss.post(f"/inspections/{scored_round['inspection']['id']}/review",
              json={"state": "has_issues", "comment": "补拍"})
    assert scored_round["a"] in by_group(phone.get(url).get_json())   # has_issues counts
    boss.post(f"/inspections/{scored_round['inspection']['id']}/review",
              json={"state": "rejected", "comment": "不是本组"})
    body = phone.get(url).get_json()
    assert scored_round["a"] not in by_group(body)
    assert scored_round["a"] in {g["group_id"] for g in body["not_inspected"]}


def test_publishing_answers_the_snapshot_that_the_published_lists_serve(app, phone, boss,
                                                                        scored_round):
    """What a snapshot freezes, its versions and its audit entry are tested in
    tests/domain/test_rankings.py."""
    round_id = scored_round["round_id"]
    assert phone.get(f"/rounds/{round_id}/rankings/published").status_code == 404
    assert phone.post(f"/rounds/{round_id}/publish").status_code == 403
    close_round(app, round_id)
    response = boss.post(f"/rounds/{round_id}/publish")
    assert response.status_code == 201
    first = response.get_json()
    assert first["published"]["version"] == 1 and first["round"]["state"] == "published"
    assert phone.get(f"/rounds/{round_id}/rankings/published").get_json() == first
    second = boss.post(f"/rounds/{round_id}/publish").get_json()
    assert second["published"]["version"] == 2
    assert phone.get(f"/rounds/{round_id}/rankings/published").get_json() == second


def test_change_from_the_previous_round(app, phone, scored_round):
    from datetime import timedelta
    round_id = scored_round["round_id"]
    with app.app_context():
        current = db.session.get(Round, round_id)
        earlier = Round(township_id=current.township_id, name="上月",
                        starts_on=current.starts_on - timedelta(days=40),
                        ends_on=current.starts_on - timedelta(days=10),
                        rubric_id=current.rubric_id, state="open")
        db.session.add(earlier)
        db.session.commit()
        earlier_id = earlier.id
    # last round: C first, A second; B not inspected
    phone.push(inspection(earlier_id, scored_round["c"]),
               inspection(earlier_id, scored_round["a"], deductions={"roads": {"road_dirty": 1}}))
    close_round(app, earlier_id)
    groups = by_group(phone.get(f"/rounds/{round_id}/rankings").get_json())
    assert groups[scored_round["c"]]["change"] == 1 - 3
    assert groups[scored_round["a"]]["change"] == 2 - 2
    assert groups[scored_round["b"]]["change"] is None
