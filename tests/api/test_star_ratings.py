"""Star ratings through the API (contract `/star-ratings…`, `/objections…`): the live
draft against the documented rule, the notice with its last day on the township's clock,
objections and their decisions, finalizing (after the notice, every objection decided,
star points once), revoking (a new version, the star points voided), the errors in the
contract's order, roles and isolation between townships."""
from datetime import timedelta

import pytest

from tests.support.star_rounds import publish_two_household_rounds
from tests.support.townships import other_township


@pytest.fixture
def made(app, boss):
    return publish_two_household_rounds(app, boss)


def rows(rating):
    return {h["household_id"]: h for h in rating["households"]}


def start(boss, made, **extra):
    response = boss.post("/star-ratings", json={
        "name": "2026年星级评定", "name_en": "2026 stars", "rounds": [made.first, made.second],
        **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def error(response):
    return response.status_code, response.get_json()["error"]["code"]


def test_the_preview_follows_the_rule(boss, phone, made):
    draft = phone.get(f"/star-ratings/preview?rounds={made.second},{made.first}").get_json()
    h = made.households
    found = {hid: (r["score"], r["rounds"], r["partial"], r["veto"], r["stars"])
             for hid, r in rows(draft).items()}
    assert found == {h["A01"]: (96.5, 2, False, False, 5),
                     h["A02"]: (88.0, 1, True, True, 0),
                     h["A05"]: (94.0, 2, False, False, 4),
                     h["B01"]: (86.0, 1, True, False, 3)}
    # by village, group and 户号; the rounds oldest first
    assert [r["household_id"] for r in draft["households"]] == [
        h["A01"], h["A02"], h["A05"], h["B01"]]
    assert [r["id"] for r in draft["rounds"]] == [made.second, made.first]
    assert rows(draft)[h["A01"]]["head"] == "王建国"


def test_thresholds_and_precision_are_the_township_s(api, boss, made):
    admin = api.as_user("admin")
    assert admin.put("/township/settings", json={"star_thresholds": {
        "5": 97, "4": 96.5, "3": 90, "2": 80, "1": 50}}).status_code == 200
    draft = boss.get(f"/star-ratings/preview?rounds={made.first},{made.second}").get_json()
    h = made.households
    assert {hid: r["stars"] for hid, r in rows(draft).items()} == {
        h["A01"]: 4, h["A02"]: 0, h["A05"]: 3, h["B01"]: 2}


def test_preview_errors_in_the_contract_s_order(app, boss, made):
    other = other_township(app)
    group_round = next(r["id"] for r in boss.get("/rounds").get_json()
                       if r["subject"] == "group")
    # another township's round first (404), even beside a group round and a published one
    assert error(boss.get(f"/star-ratings/preview?rounds={other.round_id},{group_round}")) \
        == (404, "not_found")
    assert error(boss.get(f"/star-ratings/preview?rounds={made.first},{group_round}")) \
        == (400, "invalid_request")
    assert error(boss.get("/star-ratings/preview?rounds=")) == (400, "invalid_request")
    assert error(boss.get(f"/star-ratings/preview?rounds={made.first},{made.first}")) \
        == (400, "invalid_request")
    assert error(boss.get("/star-ratings/preview?rounds=99999999999999999999")) \
        == (404, "not_found")
    assert error(boss.post("/star-ratings", json={"name": "", "rounds": [made.first]})) \
        == (400, "invalid_request")


def test_an_unpublished_household_round_is_409(app, boss, made):
    from server.extensions import db
    from server.models import Round
    with app.app_context():
        first = db.session.get(Round, made.first)
        unpublished = Round(township_id=first.township_id, name="未发布", starts_on=first.ends_on
                            + timedelta(days=1), ends_on=first.ends_on + timedelta(days=20),
                            rubric=first.rubric, state="open", subject="household")
        db.session.add(unpublished)
        db.session.commit()
        unpublished_id = unpublished.id
    response = boss.get(f"/star-ratings/preview?rounds={made.first},{unpublished_id}")
    assert error(response) == (409, "round_not_published")


def test_the_three_day_notice_on_the_township_s_clock(boss, phone, made, township_clock):
    started = township_clock.today
    created = start(boss, made)
    assert (created["version"], created["state"]) == (1, "notice")
    assert created["notice_ends_on"] == (started + timedelta(days=2)).isoformat()
    rating_id = created["id"]
    for day in (1, 2, 3):
        assert error(boss.post(f"/star-ratings/{rating_id}/finalize")) == (
            409, "notice_not_over"), day
        township_clock.advance()
    final = boss.post(f"/star-ratings/{rating_id}/finalize")
    assert final.status_code == 200, final.get_json()
    assert (final.get_json()["state"], final.get_json()["version"]) == ("final", 2)
    assert error(boss.post(f"/star-ratings/{rating_id}/finalize")) == (409, "already_final")
    listed = phone.get("/star-ratings").get_json()["star_ratings"]
    assert [(r["id"], r["state"], r["version"]) for r in listed] == [(rating_id, "final", 2)]


def test_no_notice_days_finalizes_at_once(api, boss, made, township_clock):
    admin = api.as_user("admin")
    assert admin.put("/township/settings", json={"notice_days": 0}).status_code == 200
    created = start(boss, made)
    assert created["notice_ends_on"] == (township_clock.today - timedelta(days=1)).isoformat()
    assert boss.post(f"/star-ratings/{created['id']}/finalize").status_code == 200


def test_objections_decided_before_finalizing(boss, phone, made, township_clock):
    rating_id = start(boss, made)["id"]
    h = made.households
    recorded = boss.post(f"/star-ratings/{rating_id}/objections", json={
        "household_id": h["B01"], "text": "门前已整改", "received_on":
        (township_clock.today).isoformat()})
    assert recorded.status_code == 201, recorded.get_json()
    dismissed = boss.post(f"/star-ratings/{rating_id}/objections", json={
        "household_id": h["A01"], "text": "有人反映院落杂乱"}).get_json()["id"]
    township_clock.advance(3)
    # the notice is over, but objections are open
    assert error(boss.post(f"/star-ratings/{rating_id}/finalize")) == (409, "objections_open")
    upheld = recorded.get_json()["id"]
    bad = boss.post(f"/objections/{upheld}/decide", json={"decision": "upheld", "reason": "x"})
    assert error(bad) == (400, "invalid_request")        # upheld needs stars
    assert boss.post(f"/objections/{upheld}/decide", json={
        "decision": "upheld", "stars": 4, "reason": "复查属实"}).status_code == 200
    assert error(boss.post(f"/objections/{upheld}/decide", json={
        "decision": "dismissed", "reason": "again"})) == (409, "already_decided")
    assert error(boss.post(f"/objections/{dismissed}/decide", json={
        "decision": "dismissed", "reason": ""})) == (400, "invalid_request")
    assert boss.post(f"/objections/{dismissed}/decide", json={
        "decision": "dismissed", "reason": "经核实不属实"}).status_code == 200
    final = boss.post(f"/star-ratings/{rating_id}/finalize").get_json()
    assert rows(final)[h["B01"]]["stars"] == 4 and rows(final)[h["B01"]]["rated_stars"] == 3
    assert rows(final)[h["A01"]]["stars"] == 5
    assert [(o["decision"], o["stars"]) for o in final["objections"]] == [
        ("upheld", 4), ("dismissed", None)]
    # version 1 is as it was frozen
    first = phone.get(f"/star-ratings/{rating_id}?version=1").get_json()
    assert rows(first)[h["B01"]]["stars"] == 3 and first["rating"]["state"] == "notice"
    assert error(boss.post(f"/star-ratings/{rating_id}/objections", json={
        "household_id": h["B01"], "text": "晚了"})) == (409, "already_final")


def test_objection_inputs(app, boss, made):
    rating_id = start(boss, made)["id"]
    h = made.households
    cases = [({"household_id": h["A03"], "text": "未检查户"}, (400, "invalid_request")),
             ({"household_id": 99999999, "text": "x"}, (404, "not_found")),
             ({"household_id": h["A01"], "text": ""}, (400, "invalid_request")),
             ({"household_id": h["A01"], "text": "x" * 501}, (400, "invalid_request")),
             ({"household_id": h["A01"], "text": "a\x00b"}, (400, "invalid_request")),
             ({"household_id": h["A01"], "text": "x", "received_on": "2026-13-01"},
              (400, "invalid_request")),
             ({"household_id": h["A01"], "text": "x", "received_on": "2999-01-01"},
              (400, "invalid_request"))]
    for body, expected in cases:
        assert error(boss.post(f"/star-ratings/{rating_id}/objections", json=body)) \
            == expected, body
    assert error(boss.post("/objections/99999999/decide", json={
        "decision": "dismissed", "reason": "x"})) == (404, "not_found")
    made_one = boss.post(f"/star-ratings/{rating_id}/objections", json={
        "household_id": h["A01"], "text": "x"}).get_json()["id"]
    for body in ({"decision": "maybe", "reason": "x"},
                 {"decision": "upheld", "stars": 6, "reason": "x"},
                 {"decision": "dismissed", "stars": 2, "reason": "x"}):
        assert error(boss.post(f"/objections/{made_one}/decide", json=body)) == (
            400, "invalid_request"), body


def test_star_points_once_and_revoke_voids_them(api, boss, phone, made, township_clock):
    admin = api.as_user("admin")
    assert admin.put("/township/settings", json={
        "star_points": {"5": 20, "4": 10, "3": 5, "2": 0, "1": 0}}).status_code == 200
    rating_id = start(boss, made)["id"]
    h = made.households
    before = {k: phone.get(f"/households/{h[k]}/ledger").get_json()["balance"]
              for k in ("A01", "A02", "A05", "B01")}
    assert error(boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": h["A01"], "reason": "x"})) == (409, "rating_in_notice")
    township_clock.advance(3)
    final = boss.post(f"/star-ratings/{rating_id}/finalize").get_json()
    assert error(boss.post(f"/star-ratings/{rating_id}/finalize")) == (409, "already_final")
    after = {k: phone.get(f"/households/{h[k]}/ledger").get_json()["balance"]
             for k in before}
    assert {k: after[k] - before[k] for k in before} == {"A01": 20, "A02": 0, "A05": 10,
                                                         "B01": 5}
    assert rows(final)[h["A01"]]["star_entry"]["points"] == 20
    revoked = boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": h["A01"], "reason": "焚烧垃圾被查实"})
    assert revoked.status_code == 200, revoked.get_json()
    row = rows(revoked.get_json())[h["A01"]]
    assert (revoked.get_json()["version"], row["revoked"], row["revoked_reason"]) == (
        3, True, "焚烧垃圾被查实")
    ledger = phone.get(f"/households/{h['A01']}/ledger").get_json()
    assert ledger["balance"] == before["A01"]
    void = next(e for e in ledger["entries"] if e["id"] == row["revoke_entry"])
    assert (void["kind"], void["points"], void["voids"]) == (
        "adjust", -20, row["star_entry"]["id"])
    assert error(boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": h["A01"], "reason": "again"})) == (409, "already_revoked")
    assert error(boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": h["A03"], "reason": "x"})) == (400, "invalid_request")
    assert error(boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": 99999999, "reason": "x"})) == (404, "not_found")
    assert error(boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": h["A05"], "reason": " "})) == (400, "invalid_request")
    # a revoked household without star points is revoked all the same
    plain = boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": h["A02"], "reason": "否决项"})
    assert plain.status_code == 200 and "revoke_entry" not in rows(plain.get_json())[h["A02"]]


def test_roles_and_townships(app, api, boss, phone, made, township_clock):
    rating_id = start(boss, made)["id"]
    h = made.households
    assert error(phone.post("/star-ratings", json={
        "name": "x", "rounds": [made.first]})) == (403, "forbidden")
    assert error(phone.post(f"/star-ratings/{rating_id}/objections", json={
        "household_id": h["A01"], "text": "x"})) == (403, "forbidden")
    assert phone.get(f"/star-ratings/{rating_id}").status_code == 200
    admin = api.as_user("admin")
    assert admin.post(f"/star-ratings/{rating_id}/objections", json={
        "household_id": h["A01"], "text": "x"}).status_code == 201
    other = other_township(app)
    elsewhere = api.as_user(other.usernames["supervisor"])
    assert error(elsewhere.get(f"/star-ratings/{rating_id}")) == (404, "not_found")
    assert elsewhere.get("/star-ratings").get_json() == {"star_ratings": []}
    objection = boss.get(f"/star-ratings/{rating_id}").get_json()["objections"][0]["id"]
    for path, body in ((f"/star-ratings/{rating_id}/objections",
                        {"household_id": h["A01"], "text": "x"}),
                       (f"/objections/{objection}/decide",
                        {"decision": "dismissed", "reason": "x"}),
                       (f"/star-ratings/{rating_id}/finalize", None),
                       (f"/star-ratings/{rating_id}/revoke",
                        {"household_id": h["A01"], "reason": "x"})):
        assert error(elsewhere.post(path, json=body)) == (404, "not_found"), path
    assert error(elsewhere.get(f"/star-ratings/preview?rounds={made.first}")) == (
        404, "not_found")


def test_every_write_is_audited(app, boss, made, township_clock):
    from tests.support.admin import audit_entries

    rating_id = start(boss, made)["id"]
    h = made.households
    objection = boss.post(f"/star-ratings/{rating_id}/objections", json={
        "household_id": h["A05"], "text": "请复核"}).get_json()["id"]
    boss.post(f"/objections/{objection}/decide", json={
        "decision": "upheld", "stars": 3, "reason": "复查属实"})
    township_clock.advance(3)
    assert boss.post(f"/star-ratings/{rating_id}/finalize").status_code == 200
    assert boss.post(f"/star-ratings/{rating_id}/revoke", json={
        "household_id": h["A01"], "reason": "摘牌理由"}).status_code == 200
    with app.app_context():
        audited = [(a.action, a.entity_type, a.reason) for a in audit_entries()
                   if a.entity_type in ("star_rating", "star_objection")]
    assert audited == [("start_star_notice", "star_rating", None),
                       ("record_objection", "star_objection", None),
                       ("decide_objection", "star_objection", "复查属实"),
                       ("finalize_star_rating", "star_rating", None),
                       ("revoke_stars", "star_rating", "摘牌理由")]
