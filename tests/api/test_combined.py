"""GET /combined, POST /combined and GET /combined/<id>: combined results of published
rounds, published as frozen versions."""
import pytest

from server.extensions import db
from server.models import Inspection
from tests.support.combined import close, publish_two_rounds, round_after
from tests.support.snapshots import publish_old_snapshot
from tests.support.townships import other_township
from tests.support.web import audit_actions

FIELDS = {"group_id", "village", "name", "rank", "score", "rounds", "partial", "veto", "list",
          "reason", "reason_en", "reasons"}


@pytest.fixture
def two(app, phone, boss, ref):
    return publish_two_rounds(app, phone, boss, ref)


def rounds_query(*ids):
    return "/combined?rounds=" + ",".join(str(i) for i in ids)


def by_group(result):
    return {g["group_id"]: g for g in result["groups"]}


def test_the_mean_of_the_published_scores(phone, two):
    response = phone.get(rounds_query(two["first"], two["second"]))   # inspectors may read
    assert response.status_code == 200
    body = response.get_json()
    assert {"rounds", "computed_at", "groups", "not_ranked"} <= set(body)
    assert [(r["id"], r["version"]) for r in body["rounds"]] == [(two["first"], 1),
                                                                   (two["second"], 1)]
    assert all(FIELDS <= set(g) for g in body["groups"])
    groups = by_group(body)
    a, b, c = (groups[two[k]] for k in "abc")
    first, second = two["snapshots"][two["first"]], two["snapshots"][two["second"]]
    assert a["score"] == pytest.approx((first[two["a"]]["score"] + second[two["a"]]["score"]) / 2)
    assert (a["rounds"], a["partial"], c["rounds"], c["partial"]) == (2, False, 1, True)
    assert c["score"] == first[two["c"]]["score"]
    assert [g["group_id"] for g in body["groups"]] == [two["b"], two["a"], two["c"]]
    assert [g["rank"] for g in body["groups"]] == [1, 2, 3]
    # B lost 2 and then 3 on roads: summed over the rounds, in both languages
    assert b["reasons"] == [{"criterion": "roads", "item": "road_dirty", "count": 5}]
    assert "×5" in b["reason"] and "×5" in b["reason_en"] and b["reason"] != b["reason_en"]
    assert c["list"] == "black" and len(body["not_ranked"]) == 37 - 3
    # the order of the ids does not matter
    again = phone.get(rounds_query(two["second"], two["first"])).get_json()
    assert again["groups"] == body["groups"]


def test_a_round_without_a_published_snapshot_is_refused(app, boss, two):
    third = round_after(app, two["second"], "第三轮")
    close(app, third)
    response = boss.get(rounds_query(two["first"], third))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "round_not_published"
    assert "第三轮" in response.get_json()["error"]["message"]
    response = boss.post("/combined", json={"name": "第一季度", "rounds": [two["first"], third]})
    assert response.status_code == 409
    assert audit_actions(app)[-1][0] != "publish_combined"


def test_publishing_adds_versions_of_one_frozen_result(app, boss, two):
    chosen = [two["first"], two["second"]]
    response = boss.post("/combined", json={"name": "第四季度", "name_en": "Q4", "rounds": chosen})
    assert response.status_code == 201
    first = response.get_json()
    assert first["version"] == 1
    live = boss.get(rounds_query(*chosen)).get_json()

    # B's first-round inspection is rejected and the round published again: the live
    # combination follows, the published version does not.
    inspections = boss.get(f"/rounds/{two['first']}/rankings").get_json()
    assert by_group(inspections)[two["b"]]["inspections"] == 1
    rejected = _reject_group_inspection(app, boss, two["first"], two["b"])
    assert rejected == 200
    assert boss.post(f"/rounds/{two['first']}/publish").status_code == 201
    relive = boss.get(rounds_query(*chosen)).get_json()
    assert relive["rounds"][0]["version"] == 2 and by_group(relive)[two["b"]]["rounds"] == 1
    snapshot = boss.get(f"/combined/{first['id']}").get_json()
    assert snapshot["groups"] == live["groups"] and snapshot["published"]["version"] == 1
    assert snapshot["combined"] == {"id": first["id"], "name": "第四季度", "name_en": "Q4"}

    second = boss.post("/combined", json={"name": "2026年第四季度",
                                          "rounds": chosen[::-1]}).get_json()
    assert second == {"id": first["id"], "version": 2}
    latest = boss.get(f"/combined/{first['id']}").get_json()
    assert latest["groups"] == relive["groups"]
    assert latest["combined"]["name"] == "2026年第四季度" and latest["combined"]["name_en"] is None
    assert boss.get(f"/combined/{first['id']}?version=1").get_json()["groups"] == live["groups"]
    assert boss.get(f"/combined/{first['id']}?version=3").status_code == 404
    published = [a for a in audit_actions(app) if a[0] == "publish_combined"]
    assert published == [("publish_combined", str(first["id"]), None)] * 2

    other = boss.post("/combined", json={"name": "十一月", "rounds": [two["first"]]}).get_json()
    assert other["id"] != first["id"] and other["version"] == 1


def _reject_group_inspection(app, boss, round_id, group_id) -> int:
    with app.app_context():
        found = db.session.execute(db.select(Inspection.id).where(
            Inspection.round_id == round_id, Inspection.group_id == group_id)).scalar_one()
    return boss.post(f"/inspections/{found}/review",
                     json={"state": "rejected", "comment": "照片不清"}).status_code


def test_only_supervisors_and_admins_publish(client, api, phone, two):
    body = {"name": "第四季度", "rounds": [two["first"]]}
    assert phone.post("/combined", json=body).status_code == 403
    assert client.post("/api/v1/combined", json=body).status_code == 401
    assert client.get(f"/api/v1{rounds_query(two['first'])}").status_code == 401
    admin = api.as_user("admin")
    assert admin.post("/combined", json=body).status_code == 201


def test_another_townships_rounds_and_results_are_not_found(app, api, boss, two):
    created = boss.post("/combined", json={"name": "第四季度", "rounds": [two["first"]]})
    outsider = api.as_user(other_township(app).usernames["supervisor"])
    assert outsider.get(rounds_query(two["first"])).status_code == 404
    assert outsider.post("/combined", json={"name": "x", "rounds": [two["first"]]}) \
        .status_code == 404
    assert outsider.get(f"/combined/{created.get_json()['id']}").status_code == 404


@pytest.mark.parametrize("query, status", [
    ("", 400), ("rounds=", 400), ("rounds=a,b", 400), ("rounds=1;2", 400),
    ("rounds=-1", 400), ("rounds={first},{first}", 400), ("rounds=99999", 404),
    ("rounds=2147483648", 404), ("rounds=" + "9" * 500, 404), ("rounds=" + "9" * 5000, 400),
    ("rounds=²", 400),
])
def test_bad_queries(boss, two, query, status):
    response = boss.get("/combined?" + query.format(first=two["first"]))
    assert response.status_code == status
    assert response.get_json()["error"]["code"] in ("invalid_request", "not_found")


@pytest.mark.parametrize("body, field", [
    ({"name": "季度", "rounds": []}, "rounds"),
    ({"name": "季度", "rounds": ["{first}"]}, "rounds.0"),
    ({"name": "季度", "rounds": "{first}"}, "rounds"),
    ({"name": "季度", "rounds": ["{first}", "{first}"]}, "rounds"),
    ({"name": "季度", "rounds": ["{first}"] * 61}, "rounds"),
    ({"rounds": ["{first}"]}, "name"),
    ({"name": "   ", "rounds": ["{first}"]}, "name"),
    ({"name": 5, "rounds": ["{first}"]}, "name"),
    ({"name": "季" * 101, "rounds": ["{first}"]}, "name"),
    ({"name": "季度", "name_en": "Q" * 101, "rounds": ["{first}"]}, "name_en"),
    ({"name": "第一\n季度", "rounds": ["{first}"]}, "name"),
    ({"name": "季度", "rounds": ["{first}"], "extra": 1}, "extra"),
])
def test_bad_bodies(app, boss, two, body, field):
    def fill(value):
        if value == "{first}":
            return two["first"] if field != "rounds.0" else str(two["first"])
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value
    response = boss.post("/combined", json={k: fill(v) for k, v in body.items()})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request" and field in error["fields"]
    assert "publish_combined" not in [a[0] for a in audit_actions(app)]


@pytest.mark.parametrize("rounds", [[99999], [2**31], [2**70], [0]])
def test_unknown_round_ids_in_a_body(boss, two, rounds):
    response = boss.post("/combined", json={"name": "季度", "rounds": rounds})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_results(boss, two):
    assert boss.get("/combined/99999").status_code == 404
    assert boss.get("/combined/99999999999").status_code == 404
    created = boss.post("/combined", json={"name": "季度", "rounds": [two["first"]]}).get_json()
    for version in ("9" * 5000, "0", "x", "2147483648"):
        response = boss.get(f"/combined/{created['id']}?version={version}")
        assert response.status_code == 400
        assert response.get_json()["error"]["fields"].keys() == {"version"}


def test_a_snapshot_published_before_reasons_were_data_still_combines(app, boss, two):
    older = round_after(app, two["second"], "旧格式")
    with app.app_context():
        publish_old_snapshot(older, two["a"])      # A: 88.0 with a veto, words only
    body = boss.get(rounds_query(two["first"], older)).get_json()
    a = by_group(body)[two["a"]]
    assert a["rounds"] == 2 and a["veto"] and a["list"] == "black"
    assert a["score"] == pytest.approx((two["snapshots"][two["first"]][two["a"]]["score"] + 88) / 2)
    # only the round with reasons as data adds to them
    assert a["reasons"] == [{"criterion": "collection", "item": "bins", "count": 4}]
