"""The shopkeeper (积分超市店员): created like any user, signs in on the phone only, pulls
the places, households, goods, points rules and their own entries, records redemptions
and nothing else (sync-protocol.md, "Details of the households, points and stars
contract"). The route matrix (test_route_rules.py) tries them on every route."""
import pytest

from server.extensions import db
from server.models import Inspection, LedgerEntry, User
from tests.support.factories import inspection, reference
from tests.support.ledger import add_households, deed, push_ledger, redeem
from tests.support.web import csrf_token, login

PASSWORD = "counter-pw-1"
# The refusal's words in each language (problem.phone_only).
PHONE_ONLY = [("zh", "积分超市店员只能在手机应用上登录"),
              ("en", "A shopkeeper signs in and works on the phone app only")]
SHOPKEEPER_TYPES = {"village", "group", "household", "goods", "points_rule", "ledger_entry"}


@pytest.fixture
def shopkeeper(api):
    """A shopkeeper made by an admin through POST /users, signed in on a phone."""
    response = api.as_user("admin").post("/users", json={
        "username": "shop1", "display_name": "李店员", "role": "shopkeeper",
        "password": PASSWORD})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["role"] == "shopkeeper"
    return api.as_user("shop1", PASSWORD)


@pytest.fixture
def households(app):
    return add_households(app, 2)


def test_an_admin_makes_a_shopkeeper_who_signs_in_on_the_phone(shopkeeper):
    assert shopkeeper.user["role"] == "shopkeeper"


def test_create_user_makes_a_shopkeeper_from_the_command_line(app, api):
    result = app.test_cli_runner().invoke(
        args=["create-user", "shop2", "--role", "shopkeeper", "--password-stdin"],
        input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert api.as_user("shop2", PASSWORD).user["role"] == "shopkeeper"


def test_a_shopkeepers_deed_is_refused_and_a_redemption_applied(app, phone, shopkeeper,
                                                                households):
    first, _ = households
    push_ledger(phone, deed(first))                      # +5 by an inspector
    refused, spent = push_ledger(shopkeeper, deed(first), redeem(first, ("肥皂", 1, 3)))
    assert (refused["outcome"], refused["reasons"]["kind"][0]["code"]) == (
        "rejected", "forbidden")
    assert (spent["outcome"], spent["flags"], spent["balance"]) == ("applied", [], 2)
    with app.app_context():
        stored = db.session.execute(db.select(LedgerEntry.kind, User.username).join(
            User, User.id == LedgerEntry.recorded_by).order_by(LedgerEntry.received_at)).all()
    assert [tuple(row) for row in stored] == [("deed", "inspector1"), ("redeem", "shop1")]


def test_a_shopkeepers_push_or_bundle_with_an_inspection_is_refused_whole(app, phone,
                                                                         shopkeeper, households):
    from tests.support.bundles import make_bundle, post_bundle

    ref = reference(phone)
    record = inspection(ref["round"]["id"], ref["assigned"][0])
    entry = redeem(households[0], ("米", 1, 1))
    pushed = shopkeeper.post("/sync/push", json={
        "client_id": shopkeeper.client_id, "inspections": [record], "ledger": [entry]})
    assert (pushed.status_code, pushed.get_json()["error"]["code"]) == (403, "forbidden")
    bundled = post_bundle(shopkeeper, make_bundle(shopkeeper.client_id, [record], []))
    assert (bundled.status_code, bundled.get_json()["error"]["code"]) == (403, "forbidden")
    rechecks = shopkeeper.post("/sync/push", json={
        "client_id": shopkeeper.client_id, "inspections": [], "rechecks": [{"id": "x"}]})
    assert rechecks.status_code == 403
    with app.app_context():   # nothing of either push was applied, the entry neither
        assert db.session.execute(db.select(db.func.count()).select_from(Inspection)
                                  .where(Inspection.id == record["id"])).scalar() == 0
        assert db.session.get(LedgerEntry, entry["id"]) is None


def test_a_shopkeeper_pulls_places_households_goods_rules_and_their_own_entries(
        app, api, phone, shopkeeper, households):
    first, _ = households
    assert api.as_user("admin").put("/goods", json={"goods": [
        {"id": None, "name": "肥皂", "name_en": "Soap", "points": 3, "active": True}]}
    ).status_code == 200
    [inspectors] = push_ledger(phone, deed(first))
    [own] = push_ledger(shopkeeper, redeem(first, ("肥皂", 1, 3)))
    changes, _ = shopkeeper.pull_all()
    types = {change["type"] for change in changes}
    assert types == SHOPKEEPER_TYPES
    entries = {change["id"] for change in changes if change["type"] == "ledger_entry"}
    assert entries == {own["id"]} and inspectors["id"] not in entries
    balance = {change["id"]: change["data"]["balance"] for change in changes
               if change["type"] == "household"}
    assert balance[str(first)] == 2
    # what an inspector's pull carries and the shopkeeper's never does
    assert {"rubric", "round", "assignment"} <= {
        change["type"] for change in api.as_user("inspector1").pull_all()[0]}


def test_a_shopkeeper_reads_a_households_ledger_and_the_goods_and_nothing_else(
        shopkeeper, households):
    assert shopkeeper.get(f"/households/{households[0]}/ledger").status_code == 200
    assert shopkeeper.get("/goods").status_code == 200
    for path in ("/points-rules", "/households", "/rounds", "/inspections",
                 "/township/settings", "/combined"):
        response = shopkeeper.get(path)
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            403, "forbidden"), path


@pytest.mark.parametrize("language,words", PHONE_ONLY)
def test_the_sign_in_page_refuses_a_shopkeeper_in_the_readers_language(client, shopkeeper,
                                                                       language, words):
    client.get(f"/lang/{language}")
    response = login(client, "shop1", PASSWORD)
    assert response.status_code == 403
    assert words in response.get_data(as_text=True)
    assert client.get("/password").status_code == 302   # no page session was opened


@pytest.mark.parametrize("language,words", PHONE_ONLY)
def test_a_page_session_from_before_the_role_changed_gets_403_everywhere(app, client, language,
                                                                       words):
    assert login(client, "inspector1").status_code == 302
    with app.app_context():
        db.session.execute(db.update(User).where(User.username == "inspector1")
                           .values(role="shopkeeper"))
        db.session.commit()
    client.get(f"/lang/{language}")
    for path in ("/", "/login", "/password", "/review/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert words in response.get_data(as_text=True), path
    assert client.get("/board/").status_code == 200


@pytest.mark.parametrize("language,label", [("zh", "积分超市店员"), ("en", "Shopkeeper")])
def test_the_users_page_offers_the_shopkeeper_role(app, client, api, language, label):
    login(client, "admin")
    client.get(f"/lang/{language}")
    form = client.get("/admin/users/new")
    assert f'<option value="shopkeeper">{label}</option>' in form.get_data(as_text=True)
    made = client.post("/admin/users/new", data={
        "username": "shop3", "display_name": "王店员", "role": "shopkeeper",
        "password": PASSWORD, "csrf_token": csrf_token(form)})
    assert made.status_code == 302
    assert label in client.get("/admin/").get_data(as_text=True)
    assert api.as_user("shop3", PASSWORD).user["role"] == "shopkeeper"
