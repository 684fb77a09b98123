"""The phone's 积分 tab at 360 px: find a household, record a redemption or a deed
offline in at most five taps, the known balance (pulled plus unsynced) refusing an
overdraw, entries kept across a reload and synced; a shopkeeper's phone opens on it; the
schema update that holds points entries keeps every record. Both languages."""
import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.old_database import SCHEMA_5, UNSENT_INSPECTION, open_app_over_old_database
from tests.support.phone import (PASSWORD, sign_in, status, submit_sign_in, switch_language, sync, wait_ready,
                                 wait_synced)

WORDS = {"zh": {"balance": "积分余额", "unsynced": "未同步", "overdraw": "积分不足", "waiting": "积分记录"},
         "en": {"balance": "Balance", "unsynced": "Not synced", "overdraw": "Not enough points",
                "waiting": "points entr"}}


@pytest.fixture
def township(live_server):
    """Two households of the first group (01 户主1 with 20 points, 02 户主2 with none)
    and a goods list: 肥皂 3 points, 毛巾 8 points."""
    from server.changes import record_change
    from server.extensions import db
    from server.models import Household
    from tests.support.ledger import add_households

    app = live_server.app
    ids = add_households(app, 2)
    with app.app_context():
        for row in db.session.execute(db.select(Household).where(Household.id.in_(ids))).scalars():
            record_change(db.session, "household", row.id, row.township_id)
        db.session.commit()
    admin = ApiClient(app.test_client()).as_user("admin")
    given = admin.post("/ledger", json={"household_id": ids[0], "points": 20, "reason": "开户"})
    assert given.status_code == 201, given.get_json()
    goods = admin.put("/goods", json={"goods": [
        {"id": None, "name": "肥皂", "name_en": "Soap", "points": 3, "active": True},
        {"id": None, "name": "毛巾", "name_en": "Towel", "points": 8, "active": True}]})
    assert goods.status_code == 200, goods.get_json()
    return {"households": ids, "goods": {g["name"]: g["id"] for g in goods.get_json()["goods"]}}


@pytest.fixture
def page(phone, live_server, township):
    phone.set_viewport_size({"width": 360, "height": 740})
    sign_in(phone, live_server.url)
    return phone


class Thumb:
    """Taps, counted."""

    def __init__(self, page):
        self.page, self.taps = page, 0

    def __call__(self, selector: str):
        self.page.locator(selector).tap()
        self.taps += 1


def find(page, text: str, household: int):
    page.locator("#points-search").fill(text)
    expect(page.locator(f"#points-households a[data-household='{household}']")).to_be_visible()


def balance(page) -> int:
    page.wait_for_selector("#points-balance")
    return int(page.locator("#points-balance").get_attribute("data-balance"))


def local_entries(page) -> list:
    return page.evaluate("""async () => {
        const { dbReady } = await import('/app/db.js');
        return (await dbReady).getAll('ledger');
    }""")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_redemption_recorded_offline_survives_a_reload_and_syncs(page, live_server, township, lang):
    from server.extensions import db
    from server.models import LedgerEntry
    from server.points.ledger import balance_of

    household = township["households"][0]
    switch_language(page, lang)
    page.context.set_offline(True)
    page.locator("#tab-points").tap()
    find(page, "01", household)
    thumb = Thumb(page)
    thumb(f"#points-households a[data-household='{household}']")
    expect(page.locator("#points-balance")).to_contain_text(WORDS[lang]["balance"])
    assert balance(page) == 20
    thumb("#redeem-button")
    thumb(f"#goods li[data-goods='{township['goods']['毛巾']}'] button.grow")
    expect(page.locator("#redeem-total")).to_contain_text("8")
    thumb("#redeem-confirm")
    expect(page.locator("#confirm-dialog")).to_contain_text("8")
    thumb("#confirm-yes")
    assert thumb.taps == 5
    expect(page.locator("#household-points")).to_be_visible()
    assert balance(page) == 12
    row = page.locator("#points-entries li[data-unsynced='1']")
    expect(row).to_contain_text(WORDS[lang]["unsynced"])
    expect(row).to_contain_text("-8")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.reload()
    wait_ready(page)
    page.goto(page.url.split("#")[0] + f"#/points/{household}")
    assert balance(page) == 12
    [entry] = local_entries(page)
    assert entry["kind"] == "redeem" and entry["points"] == -8
    page.goto(page.url.split("#")[0] + "#/points")
    card = page.locator("#status")
    expect(card).to_have_attribute("data-ledger", "1")
    expect(card.locator("#status-line")).to_contain_text(WORDS[lang]["waiting"])

    page.context.set_offline(False)
    sync(page)
    assert status(page)["error"] == ""
    expect(page.locator("#status")).to_have_attribute("data-ledger", "0")
    with live_server.app.app_context():
        stored = db.session.get(LedgerEntry, entry["id"])
        assert (stored.kind, stored.points, stored.household_id) == ("redeem", -8, household)
        assert stored.goods[0]["name"] == "毛巾" and stored.goods[0]["quantity"] == 1
        assert balance_of(household) == 12
    page.goto(page.url.split("#")[0] + f"#/points/{household}")
    assert balance(page) == 12
    expect(page.locator(f"#points-entries li[data-entry='{entry['id']}']")).to_be_visible()
    expect(page.locator("#points-entries li[data-unsynced='1']")).to_have_count(0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_phone_refuses_to_overdraw_the_balance_it_knows(page, township, lang):
    household = township["households"][0]
    switch_language(page, lang)
    page.context.set_offline(True)
    page.goto(page.url.split("#")[0] + f"#/redeem/{household}")
    soap = f"#goods li[data-goods='{township['goods']['肥皂']}']"
    page.locator(f"{soap} button.grow").tap()          # 3 of the 20
    # a typed item with its points: 18 more is 21, one beyond the balance
    page.fill("#other-name", "火柴")
    page.fill("#other-points", "18")
    page.locator("#other-add").tap()
    expect(page.locator("#redeem-total")).to_contain_text("21")
    page.locator("#redeem-confirm").tap()
    expect(page.locator("#points-error")).to_contain_text(WORDS[lang]["overdraw"])
    expect(page.locator("#points-error")).to_contain_text("20")
    expect(page.locator("#confirm-dialog")).to_have_count(0)
    assert local_entries(page) == []
    # within the balance it goes, the typed item with it
    page.locator(f"{soap} button[aria-label='−']").tap()
    page.locator("#redeem-confirm").tap()
    page.locator("#confirm-yes").tap()
    assert balance(page) == 2
    [entry] = local_entries(page)
    assert entry["goods"] == [{"goods_id": None, "name": "火柴", "points": 18, "quantity": 1}]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_deed_recorded_offline_then_synced(page, live_server, township):
    from server.extensions import db
    from server.models import LedgerEntry

    household = township["households"][1]
    page.context.set_offline(True)
    page.locator("#tab-points").tap()
    find(page, "户主2", household)
    thumb = Thumb(page)
    thumb(f"#points-households a[data-household='{household}']")
    assert balance(page) == 0
    thumb("#deed-button")
    page.fill("#deed-note", "清扫村道")
    thumb("#rules button[data-rule='cleanup_day']")
    thumb("#confirm-yes")
    assert thumb.taps == 4
    assert balance(page) == 5
    expect(page.locator("#points-entries li[data-unsynced='1']")).to_contain_text("清扫村道")
    page.context.set_offline(False)
    sync(page)
    [entry] = local_entries(page)
    with live_server.app.app_context():
        stored = db.session.get(LedgerEntry, entry["id"])
        assert (stored.kind, stored.rule_key, stored.points, stored.note) == ("deed", "cleanup_day", 5, "清扫村道")
    device = ApiClient(live_server.app.test_client()).as_user("admin").get("/devices").get_json()
    assert any(d["unsynced"].get("ledger") == 0 for d in device)


def test_a_deed_with_a_photo_recorded_offline_then_synced(page, live_server, township):
    """The photo is optional and costs no tap of the deed's four; it is kept with the
    entry offline and its bytes reach the server with it."""
    from server.extensions import db
    from server.models import LedgerEntry
    from tests.support import server_state
    from tests.support.phone import make_jpeg, photo_file

    household = township["households"][1]
    page.context.set_offline(True)
    page.goto(page.url.split("#")[0] + f"#/deed/{household}")
    page.locator("#deed-photo").set_input_files(photo_file(make_jpeg(1200, 900, seed=7), "deed.jpg"))
    expect(page.locator("#deed-shot img")).to_be_visible()
    page.locator("#rules button[data-rule='volunteer']").tap()
    page.locator("#confirm-yes").tap()
    expect(page.locator("#points-entries li[data-unsynced='1']")).to_have_count(1)
    [entry] = local_entries(page)
    [photo] = entry["photos"]
    assert (photo["criterion"], photo["item"], photo["source"]) == (None, None, "camera")

    page.context.set_offline(False)
    sync(page)
    assert status(page)["error"] == ""
    with live_server.app.app_context():
        stored = db.session.get(LedgerEntry, entry["id"])
        assert [p["sha256"] for p in stored.photos] == [photo["sha256"]]
    assert server_state.blob_sha_on_server(live_server.app, photo["sha256"]) == photo["sha256"]


REFUSED = {"zh": ("服务器未接受", "未知积分细则"), "en": ("Not accepted by the server", "unknown points rule")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_entry_the_server_refuses_is_kept_with_its_reason(page, live_server, township, lang):
    """A deed naming a rule the server does not know (as a phone holding a rule from
    elsewhere would push it): rejected, kept and shown with the reason, never sent again,
    and out of the known balance."""
    from server.extensions import db
    from server.models import LedgerEntry

    household = township["households"][0]
    switch_language(page, lang)
    page.evaluate("""async (id) => {
        const { recordEntry } = await import('/app/ledger.js');
        await recordEntry(id, { rule: { key: 'no_such_rule', points: 4 }, note: null });
    }""", household)
    page.goto(page.url.split("#")[0] + f"#/points/{household}")
    assert balance(page) == 24
    sync(page)
    page.goto(page.url.split("#")[0] + f"#/points/{household}")
    assert balance(page) == 20
    [entry] = local_entries(page)
    refused = page.locator(f"#points-entries li[data-entry='{entry['id']}'] .error")
    for words in REFUSED[lang]:
        expect(refused).to_contain_text(words)
    expect(page.locator("#points-entries li[data-unsynced='1']")).to_have_count(0)
    with live_server.app.app_context():
        assert db.session.get(LedgerEntry, entry["id"]) is None
    assert local_entries(page)[0]["local"]["push_error"]["errors"]["rule_key"]
    assert page.evaluate("""async () => (await (await import('/app/outbox.js')).pushable('ledger')).length""") == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_shopkeepers_phone_opens_on_points_and_shows_no_rounds(phone, live_server, township, lang):
    admin = ApiClient(live_server.app.test_client()).as_user("admin")
    made = admin.post("/users", json={"username": "shop1", "display_name": "李店员",
                                      "role": "shopkeeper", "password": PASSWORD})
    assert made.status_code == 201, made.get_json()
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    submit_sign_in(page, live_server.url, "shop1", lang)
    page.wait_for_selector("#points-search")
    wait_synced(page)
    assert status(page)["error"] == ""
    expect(page.locator("#tabs")).to_be_hidden()
    for screen in ["#/", "#/pick", "#/households/1"]:
        page.goto(page.url.split("#")[0] + screen)
        page.wait_for_selector("#points-search")
        expect(page.locator("#assignments, #my-inspections, #rectifications")).to_have_count(0)
    household = township["households"][0]
    find(page, "户主1", household)
    page.locator(f"#points-households a[data-household='{household}']").tap()
    expect(page.locator("#points-balance")).to_contain_text(WORDS[lang]["balance"])
    assert balance(page) == 20
    expect(page.locator("#deed-button")).to_have_count(0)
    page.locator("#redeem-button").tap()
    page.locator(f"#goods li[data-goods='{township['goods']['肥皂']}'] button.grow").tap()
    page.locator("#redeem-confirm").tap()
    page.locator("#confirm-yes").tap()
    assert balance(page) == 17
    sync(page)
    page.wait_for_selector("#points-search")
    assert status(page)["error"] == ""
    expect(page.locator("#status")).to_have_attribute("data-ledger", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# What the app of schema 5 held: a household and a points entry it pulled (an older app
# keeps every type it pulls), a submitted inspection not yet sent.
HELD_BY_SCHEMA_5 = {
    "ref": [{"type": "household", "id": "2", "version": 5, "data": {
                "id": 2, "group_id": 3, "number": "9", "head": "户主9", "members": 2, "active": True,
                "balance": 7}},
            {"type": "ledger_entry", "id": "e-1", "version": 6, "data": {
                "id": "e-1", "household_id": 2, "kind": "deed", "points": 5, "rule_key": "volunteer",
                "goods": None, "note": None, "recorded_by": 1, "recorded_at": "2026-11-05T09:00:00+08:00",
                "voids": None, "flags": []}}],
    "inspections": [UNSENT_INSPECTION]}


def test_the_schema_update_for_points_entries_keeps_every_record(phone, live_server):
    page = phone
    open_app_over_old_database(page, live_server.url, 5, SCHEMA_5, HELD_BY_SCHEMA_5)
    held = page.evaluate("""async () => {
        const { pointsOf, recordEntry } = await import('/app/ledger.js');
        const { summary } = await import('/app/outbox.js');
        const { getInspection } = await import('/app/records.js');
        const before = await pointsOf(2);
        await recordEntry(2, { goods: [{ goods_id: null, name: '肥皂', quantity: 2, points: 3 }] });
        const after = await pointsOf(2);
        const s = await summary();
        return { before: [before.balance, before.entries.map((e) => e.id)], after: after.balance,
                 note: (await getInspection('i-1')).note, waiting: [s.inspections, s.ledger] };
    }""")
    assert held == {"before": [7, ["e-1"]], "after": 1, "note": "门前整洁", "waiting": [1, 1]}


def test_a_redemption_made_with_no_network_leaves_in_the_bundle_file(page, live_server, township):
    """With no network at all the bundle carries the entry; importing it applies it once."""
    import io
    import json
    import zipfile

    from server.extensions import db
    from server.models import LedgerEntry

    household = township["households"][0]
    page.context.set_offline(True)
    page.locator("#tab-points").tap()
    find(page, "01", household)
    page.locator(f"#points-households a[data-household='{household}']").tap()
    page.locator("#redeem-button").tap()
    page.locator(f"#goods li[data-goods='{township['goods']['肥皂']}'] button.grow").tap()
    page.locator("#redeem-confirm").tap()
    page.locator("#confirm-yes").tap()
    expect(page.locator("#points-entries li[data-unsynced='1']")).to_have_count(1)
    [entry] = local_entries(page)

    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#export-button")
    with page.expect_download() as download:
        page.click("#export-button")
    data = open(download.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert [e["id"] for e in manifest["ledger"]] == [entry["id"]]
    assert manifest["ledger"][0]["goods"][0]["quantity"] == 1
    expect(page.locator("#last-export")).to_contain_text("1 条积分记录")

    token = page.evaluate("async () => (await import('/app/session.js')).getMeta('token')")
    client = live_server.app.test_client()
    for _ in range(2):      # a bundle imported twice spends once
        answer = client.post("/api/v1/sync/bundle", headers={"Authorization": f"Bearer {token}"},
                             data={"bundle": (io.BytesIO(data), "bundle.zip")},
                             content_type="multipart/form-data")
        assert answer.status_code == 200, answer.get_json()
        [result] = answer.get_json()["ledger_results"]
        assert result["id"] == entry["id"] and result["balance"] == 17
    with live_server.app.app_context():
        assert db.session.get(LedgerEntry, entry["id"]).points == -3
