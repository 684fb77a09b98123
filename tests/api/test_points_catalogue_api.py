"""Points rules and goods through the API (sync-protocol.md, "GET|PUT /points-rules",
"GET|PUT /goods"): township users read, admins insert or update what they name and
nothing is ever deleted; per-field errors; pulled as `points_rule` and `goods`;
isolation between townships."""
import pytest

from server.extensions import db
from server.models import AuditEntry

from sync.ledger import DEFAULT_POINTS_RULES

from tests.support.ledger import add_households, deed, push_ledger
from tests.support.townships import other_township

DEFAULTS = [{**rule, "active": True} for rule in DEFAULT_POINTS_RULES]


@pytest.fixture
def admin(api):
    return api.as_user("admin")


def pulled(session, entity_type, cursor=None):
    changes, cursor = session.pull_all(cursor)
    return [c["data"] for c in changes if c["type"] == entity_type], cursor


def test_the_township_starts_with_the_default_rules_and_phones_pull_them(phone):
    assert phone.get("/points-rules").get_json() == {"rules": DEFAULTS}
    rules, _ = pulled(phone, "points_rule")
    assert sorted(rules, key=lambda r: r["key"]) == sorted(DEFAULTS, key=lambda r: r["key"])


def test_an_admin_edits_adds_and_deactivates_rules_and_leaves_the_rest(app, admin, phone):
    _, cursor = phone.pull_all()
    response = admin.put("/points-rules", json={"rules": [
        {"key": "volunteer", "label_zh": "志愿服务", "label_en": "Volunteer service",
         "points": 3, "active": True},
        {"key": "burning_found", "label_zh": "焚烧垃圾被查实", "label_en": "Found burning waste",
         "points": -10, "active": False},
        {"key": "river_patrol", "label_zh": "河道巡查", "points": 4}]})
    assert response.status_code == 200, response.get_json()
    answered = {r["key"]: r for r in response.get_json()["rules"]}
    assert len(answered) == 6 and answered["cleanup_day"] == DEFAULTS[0]
    assert (answered["volunteer"]["points"], answered["burning_found"]["active"]) == (3, False)
    assert answered["river_patrol"] == {"key": "river_patrol", "label_zh": "河道巡查",
                                        "label_en": None, "points": 4, "active": True}
    changed, _ = pulled(phone, "points_rule", cursor)
    assert sorted(r["key"] for r in changed) == ["burning_found", "river_patrol", "volunteer"]
    # the same list again changes nothing
    again = admin.put("/points-rules", json={"rules": [
        {"key": "volunteer", "label_zh": "志愿服务", "label_en": "Volunteer service",
         "points": 3}]})
    assert again.status_code == 200
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "edit_points_rules")).scalar() == 1
    # a deed on it takes its new points
    [household] = add_households(app, 1)
    [result] = push_ledger(phone, deed(household, "volunteer"), )
    assert result["balance"] == 3


@pytest.mark.parametrize("rule, field, code", [
    ({"key": "Bad Key", "label_zh": "x", "points": 1}, "rules.0.key", "key_invalid"),
    ({"key": "x", "label_zh": "  ", "points": 1}, "rules.0.label_zh", "label_required"),
    ({"key": "x", "label_zh": "x", "points": 0}, "rules.0.points", "rule_points"),
    ({"key": "x", "label_zh": "x", "points": 10_001}, "rules.0.points", "rule_points"),
    ({"key": "x", "label_zh": "长" * 101, "points": 1}, "rules.0.label_zh", "too_long"),
    ({"key": "x", "label_zh": "x", "points": "1"}, "rules.0.points", None),
])
def test_a_bad_rule_is_refused_with_its_field(admin, rule, field, code):
    response = admin.put("/points-rules", json={"rules": [rule]})
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert field in error["fields"]
    assert admin.get("/points-rules").get_json() == {"rules": DEFAULTS}


def test_a_key_twice_is_refused(admin):
    rule = {"key": "x", "label_zh": "x", "points": 1}
    response = admin.put("/points-rules", json={"rules": [rule, rule]})
    assert response.status_code == 400 and "rules.1.key" in response.get_json()["error"]["fields"]


def test_an_admin_keeps_the_goods_list_and_phones_pull_it(app, api, admin, phone):
    _, cursor = phone.pull_all()
    response = admin.put("/goods", json={"goods": [
        {"id": None, "name": "肥皂", "name_en": "Soap", "points": 3},
        {"name": "大米 5kg", "points": 30, "active": True}]})
    assert response.status_code == 200, response.get_json()
    soap, rice = response.get_json()["goods"]
    assert (soap["name"], soap["name_en"], soap["points"], soap["active"]) == (
        "肥皂", "Soap", 3, True)
    assert isinstance(rice["id"], int) and rice["name_en"] is None
    # deactivated, never deleted; the rice stays as it was
    response = admin.put("/goods", json={"goods": [{**soap, "active": False}]})
    assert response.get_json()["goods"] == [{**soap, "active": False}, rice]
    assert phone.get("/goods").get_json() == {"goods": [{**soap, "active": False}, rice]}
    changed, _ = pulled(phone, "goods", cursor)
    assert sorted(g["id"] for g in changed) == sorted([soap["id"], rice["id"]])
    b = other_township(app)
    theirs = api.as_user(b.usernames["admin"])
    assert theirs.get("/goods").get_json() == {"goods": []}
    taken = theirs.put("/goods", json={"goods": [{**soap, "name": "抢来的"}]})
    assert taken.status_code == 400 and "goods.0.id" in taken.get_json()["error"]["fields"]
    assert phone.get("/goods").get_json()["goods"][0]["name"] == "肥皂"


@pytest.mark.parametrize("goods, field", [
    ({"name": "x", "points": 0}, "goods.0.points"),
    ({"name": "x", "points": -3}, "goods.0.points"),
    ({"name": " ", "points": 3}, "goods.0.name"),
    ({"id": 999999, "name": "x", "points": 3}, "goods.0.id"),
    ({"name": "x"}, "goods.0.points"),
])
def test_bad_goods_are_refused_with_their_field(admin, goods, field):
    response = admin.put("/goods", json={"goods": [goods]})
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert admin.get("/goods").get_json() == {"goods": []}


def test_only_admins_write(phone, boss):
    rules = {"rules": [{"key": "x", "label_zh": "x", "points": 1}]}
    assert phone.put("/points-rules", json=rules).status_code == 403
    assert boss.put("/points-rules", json=rules).status_code == 403
    assert boss.put("/goods", json={"goods": []}).status_code == 403
    assert boss.get("/goods").status_code == 200
