"""The round lifecycle through the API and the pages (domain.md, "Round lifecycle";
contract: rounds, publish, admit): on SQLite and PostgreSQL."""
from datetime import date, timedelta

import pytest

from server.extensions import db
from server.models import AuditEntry, Inspection, Round

from tests.support.factories import close_round, inspection
from tests.support.web import csrf_token, login

ROUND_FIELDS = {"id", "name", "name_en", "starts_on", "ends_on", "state", "rubric_version",
                "red_size", "black_size", "rectification_days", "subject"}


@pytest.fixture
def admin(api):
    return api.as_user("admin")


def next_month(ref) -> dict:
    starts = date.fromisoformat(ref["round"]["ends_on"]) + timedelta(days=1)
    return {"name": "下月评比", "name_en": "Next month", "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=27)).isoformat(), "rubric_version": 1,
            "red_size": None, "black_size": 2}


def by_group(ranking: dict) -> dict:
    return {g["group_id"]: g for g in ranking["groups"]}


def test_create_list_and_refuse_an_overlapping_round(admin, phone, ref):
    response = admin.post("/rounds", json=next_month(ref))
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) == ROUND_FIELDS
    assert (created["state"], created["name_en"], created["black_size"]) == (
        "open", "Next month", 2)
    assert [r["id"] for r in phone.get("/rounds").get_json()] == [created["id"], ref["round"]["id"]]

    overlapping = {**next_month(ref), "starts_on": ref["round"]["ends_on"]}
    response = admin.post("/rounds", json=overlapping)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "overlapping_round"
    assert phone.post("/rounds", json=next_month(ref)).status_code == 403
    bad = admin.post("/rounds", json={**next_month(ref), "name": "评" * 101, "rubric_version": 99})
    # input problems first, the overlap with the round just created among them
    assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) == {
        "name", "rubric_id", "starts_on"}


def test_publish_needs_a_closed_round_and_reopen_needs_a_reason(admin, boss, ref):
    round_id = ref["round"]["id"]
    response = boss.post(f"/rounds/{round_id}/publish")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "round_not_closed"
    assert admin.post(f"/rounds/{round_id}/close").get_json()["state"] == "closed"
    assert admin.post(f"/rounds/{round_id}/close").status_code == 409
    assert admin.post(f"/rounds/{round_id}/reopen", json={}).status_code == 400
    reopened = admin.post(f"/rounds/{round_id}/reopen", json={"reason": "漏了一个组"})
    assert reopened.status_code == 200 and reopened.get_json()["state"] == "open"
    admin.post(f"/rounds/{round_id}/close")
    assert boss.post(f"/rounds/{round_id}/publish").status_code == 201
    response = admin.post(f"/rounds/{round_id}/reopen", json={"reason": "再改"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "round_published"


def test_a_late_inspection_is_kept_flagged_and_counted_once_admitted(app, phone, boss, ref):
    round_id, (a, b) = ref["round"]["id"], ref["assigned"][:2]
    phone.push(inspection(round_id, a, deductions={"roads": {"road_dirty": 2}}))
    close_round(app, round_id)
    late = inspection(round_id, b, deductions={"roads": {"road_dirty": 5}})
    [result] = phone.push(late).get_json()["results"]
    assert result["outcome"] == "applied"
    pulled = next(c["data"] for c in phone.get("/sync/pull").get_json()["changes"]
                  if c["type"] == "inspection" and c["id"] == late["id"])
    assert "late" in pulled["flags"]
    live = phone.get(f"/rounds/{round_id}/rankings").get_json()
    assert set(by_group(live)) == {a}
    published = boss.post(f"/rounds/{round_id}/publish").get_json()

    assert phone.post(f"/inspections/{late['id']}/admit", json={"reason": "x"}).status_code == 403
    assert boss.post(f"/inspections/{late['id']}/admit", json={"reason": " "}).status_code == 400
    admitted = boss.post(f"/inspections/{late['id']}/admit", json={"reason": "路断了，晚交"})
    assert admitted.status_code == 200 and admitted.get_json()["late"] is True
    assert boss.post(f"/inspections/{late['id']}/admit", json={"reason": "again"}).status_code \
        == 400
    live = phone.get(f"/rounds/{round_id}/rankings").get_json()
    assert set(by_group(live)) == {a, b}                       # the live ranking changes
    frozen = phone.get(f"/rounds/{round_id}/rankings/published").get_json()
    assert frozen == published and set(by_group(frozen)) == {a}   # the snapshot never does
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).where(
            AuditEntry.action == "admit_inspection")).scalar_one()
        assert (entry.entity_id, entry.reason) == (late["id"], "路断了，晚交")
        assert db.session.get(Inspection, late["id"]).admitted_by is not None


def test_an_edit_after_closing_needs_admitting_again(app, phone, boss, ref):
    round_id, a = ref["round"]["id"], ref["assigned"][0]
    first = inspection(round_id, a, deductions={"roads": {"road_dirty": 2}})
    phone.push(first)
    close_round(app, round_id)
    assert by_group(phone.get(f"/rounds/{round_id}/rankings").get_json())[a]
    edit = {**first, "client_rev": 2, "base_version": 1,
            "criteria": {"roads": {"na": False, "deductions": {"road_dirty": 9}, "note": ""}}}
    assert phone.push(edit).get_json()["results"][0]["outcome"] == "applied"
    assert by_group(phone.get(f"/rounds/{round_id}/rankings").get_json()) == {}


def test_publishing_page_shows_what_the_lists_rest_on_before_confirming(app, web, phone, ref):
    round_id, (a, b) = ref["round"]["id"], ref["assigned"][:2]
    phone.push(inspection(round_id, a, deductions={"roads": {"road_dirty": 2}}))
    rankings = web.get(f"/review/rounds/{round_id}/rankings")
    assert "轮次关闭后才能发布红黑榜" in rankings.get_data(as_text=True)
    refused = web.post(f"/review/rounds/{round_id}/publish",
                       data={"csrf_token": csrf_token(rankings)}, follow_redirects=True)
    assert "请管理员先关闭轮次" in refused.get_data(as_text=True)
    close_round(app, round_id)
    phone.push(inspection(round_id, b))        # late: waits for admission
    page = web.get(f"/review/rounds/{round_id}/publish?lang=en")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 inspections not reviewed yet" in body
    assert "1 late inspections are not admitted" in body
    assert "rest on a single inspection" in body
    assert web.get(f"/board/rounds/{round_id}/poster").status_code == 404   # nothing yet
    response = web.post(f"/review/rounds/{round_id}/publish",
                        data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303
    assert web.get(f"/board/rounds/{round_id}/poster").status_code == 200


def test_admin_pages_edit_and_reopen_a_round(app, client, ref):
    login(client, "admin")
    round_id = ref["round"]["id"]
    close_round(app, round_id)
    index = client.get("/admin/?lang=en")
    assert "Reopen" in index.get_data(as_text=True)
    client.post(f"/admin/rounds/{round_id}/reopen",
                data={"csrf_token": csrf_token(index), "reason": "漏检"})
    form = client.get(f"/admin/rounds/{round_id}/edit")
    assert form.status_code == 200
    saved = client.post(f"/admin/rounds/{round_id}/edit", data={
        "csrf_token": csrf_token(form), "name": "本月评比", "name_en": "This month",
        "starts_on": ref["round"]["starts_on"], "ends_on": ref["round"]["ends_on"],
        "rubric_id": "1", "rectification_days": "10"})
    assert saved.status_code == 302
    with app.app_context():
        edited = db.session.get(Round, round_id)
        assert (edited.state, edited.name_en, edited.rectification_days) == (
            "open", "This month", 10)
    assert "This month" in client.get("/admin/?lang=en").get_data(as_text=True)
