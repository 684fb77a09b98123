"""Rubric versions in the API: copy, edit, activate; rounds and phones use them."""
from datetime import date, timedelta

import pytest

from tests.support.admin import other_township_admin
from tests.support.factories import inspection


@pytest.fixture
def admin(api):
    return api.as_user("admin")


def copied(admin, version=1) -> dict:
    response = admin.post(f"/rubrics/{version}/copy")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def document(rubric: dict, **maxima) -> dict:
    """The rubric as a PUT body, with some criteria's maxima changed."""
    criteria = [{**c, "max": maxima.get(c["key"], c["max"])} for c in rubric["criteria"]]
    return {"title": rubric["title"], "criteria": criteria}


def activated(admin, rubric: dict, **maxima) -> dict:
    assert admin.put(f"/rubrics/{rubric['version']}",
                     json=document(rubric, **maxima)).status_code == 200
    response = admin.post(f"/rubrics/{rubric['version']}/activate")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def next_round(ref, **fields) -> dict:
    starts = date.fromisoformat(ref["round"]["ends_on"]) + timedelta(days=1)
    return {"name": "下月评比", "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=27)).isoformat(), **fields}


def test_copy_edit_and_activate(admin, phone):
    draft = copied(admin)
    assert (draft["version"], draft["state"], draft["shared"], draft["current"]) == (
        2, "draft", False, False)
    listed = admin.get("/rubrics").get_json()
    assert [(r["version"], r["state"], r["current"]) for r in listed] == [
        (2, "draft", False), (1, "active", True)]
    _, cursor = phone.pull_all()
    active = activated(admin, draft, cleaning=15, collection=7)
    assert (active["state"], active["current"], active["max_sum"]) == ("active", True, 100)
    assert admin.get("/rubrics/2").get_json()["criteria"][0]["max"] == 15


def test_a_sum_of_99_is_saved_but_not_activated(admin):
    draft = copied(admin)
    saved = admin.put("/rubrics/2", json=document(draft, cleaning=9))
    assert saved.status_code == 200 and saved.get_json()["max_sum"] == 99
    response = admin.post("/rubrics/2/activate")
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "rubric_invalid" and "add up to 99" in error["fields"]["criteria"][0]
    assert admin.get("/rubrics/2").get_json()["state"] == "draft"


def test_a_bad_key_is_refused(admin):
    draft = copied(admin)
    body = document(draft)
    body["criteria"][1]["items"][0]["key"] = "Litter spot"
    response = admin.put("/rubrics/2", json=body)
    assert response.status_code == 400
    assert "criteria.1.items.0.key" in response.get_json()["error"]["fields"]
    assert admin.get("/rubrics/2").get_json()["criteria"][1]["items"][0]["key"] == "litter"


@pytest.mark.parametrize("body", [
    {"criteria": "all"}, {"criteria": [{"key": "a"}]}, {},
    {"criteria": [{"key": "a", "max": "x", "label_zh": "a", "label_en": "a", "items": []}]},
    {"criteria": [{"key": "a", "max": 100, "label_zh": "a", "label_en": "a", "items": [
        {"key": "b", "points": 1, "kind": "twice", "label_zh": "b", "label_en": "b"}]}]},
])
def test_a_body_that_is_no_rubric_is_a_400(admin, body):
    copied(admin)
    response = admin.put("/rubrics/2", json=body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_request"


def test_an_active_or_used_version_never_changes(admin):
    draft = copied(admin)
    activated(admin, draft)
    response = admin.put("/rubrics/2", json=document(draft, cleaning=15, collection=7))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "rubric_not_draft"
    assert admin.post("/rubrics/2/activate").get_json()["error"]["code"] == "rubric_not_draft"
    response = admin.put("/rubrics/1", json=document(draft))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "rubric_in_use" and "copy it into a new draft" in error["message"]


def test_new_rounds_use_the_active_version_and_phones_pull_it(admin, phone, ref):
    _, cursor = phone.pull_all()
    draft = copied(admin)
    assert [c for c in phone.pull_all(cursor)[0] if c["type"] == "rubric"] == []  # a draft
    activated(admin, draft, cleaning=15, collection=7)
    created = admin.post("/rounds", json=next_round(ref))
    assert created.status_code == 201 and created.get_json()["rubric_version"] == 2
    chosen = admin.post("/rounds", json=next_round({"round": created.get_json()},
                                                   rubric_version=1))
    assert chosen.status_code == 201 and chosen.get_json()["rubric_version"] == 1
    changes, _ = phone.pull_all(cursor)
    [rubric] = [c for c in changes if c["type"] == "rubric"]
    assert rubric["id"] == "2" and rubric["data"]["criteria"][0]["max"] == 15
    rounds = {c["data"]["id"]: c["data"]["rubric_version"] for c in changes if c["type"] == "round"}
    assert rounds[created.get_json()["id"]] == 2 and ref["round"]["rubric_version"] == 1
    # the phone scores the new round with version 2 and the old one still with version 1
    new = inspection(created.get_json()["id"], ref["assigned"][0], rubric_version=2)
    old = inspection(ref["round"]["id"], ref["assigned"][0], rubric_version=1)
    assert [r["outcome"] for r in phone.push(new, old).get_json()["results"]] == [
        "applied", "applied"]


def test_a_draft_is_no_rubric_version_to_push_or_start_a_round_with(admin, phone, ref):
    copied(admin)
    [result] = phone.push(inspection(ref["round"]["id"], ref["assigned"][0],
                                     rubric_version=2)).get_json()["results"]
    assert result["outcome"] == "rejected" and "rubric_version" in result["errors"]
    response = admin.post("/rounds", json=next_round(ref, rubric_version=2))
    assert response.status_code == 400 and "rubric_id" in response.get_json()["error"]["fields"]


def test_another_townships_version_is_no_rubric_version_to_push(app, api, phone, ref):
    with app.app_context():
        elsewhere = api.as_user(other_township_admin())
    activated(elsewhere, copied(elsewhere))
    [result] = phone.push(inspection(ref["round"]["id"], ref["assigned"][0],
                                     rubric_version=2)).get_json()["results"]
    assert result["outcome"] == "rejected" and "rubric_version" in result["errors"]


ENDPOINTS = [("get", "/rubrics", None), ("get", "/rubrics/{v}", None),
             ("post", "/rubrics/{v}/copy", None), ("put", "/rubrics/{v}", "body"),
             ("post", "/rubrics/{v}/activate", None)]


def call(session, method, path, body, draft):
    kw = {"json": document(draft)} if body else {}
    return getattr(session, method)(path.format(v=draft["version"]), **kw)


@pytest.mark.parametrize("method,path,body", ENDPOINTS)
def test_only_the_townships_admins(app, api, admin, phone, boss, method, path, body):
    draft = copied(admin)
    assert call(phone, method, path, body, draft).status_code == 403
    assert call(boss, method, path, body, draft).status_code == 403
    with app.app_context():
        elsewhere = api.as_user(other_township_admin())
    response = call(elsewhere, method, path, body, draft)
    if path == "/rubrics":
        assert [r["version"] for r in response.get_json()] == [1]
    else:
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert call(admin, method, path, body, draft).status_code in (200, 201)


def test_unknown_versions_are_404(admin):
    for path in ("/rubrics/99", "/rubrics/0", "/rubrics/99999999999"):
        assert admin.get(path).status_code == 404
    assert admin.post("/rubrics/99/copy").status_code == 404
