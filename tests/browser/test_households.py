"""Households on the phone (issue 21), 360 px: in a household round a group opens on its
households by number (natural order) with this round's state, a search by 户号 or 户主
answers as one types, and a check made offline survives a reload and syncs, the server
then holding it with its household_id. Both languages. And the schema update that indexes
households by group keeps every record an older app left."""
import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.factories import close_round, jpeg_bytes
from tests.support.households import hold_households
from tests.support.old_database import SCHEMA_4, UNSENT_INSPECTION, open_app_over_old_database
from tests.support.phone import (add_photo, confirm_submit, local_inspections, sign_in, status,
                                 switch_language, sync, tap_plus, wait_ready)

# 户号 as typed, in no order, and their heads; the list shows them as people count
HOUSEHOLDS = [("10", "岩温"), ("2", "玉香"), ("12-1", "张三丰"), ("12", "李四"), ("1", "王五"),
              ("03", "赵六")]
IN_ORDER = ["1", "2", "03", "10", "12", "12-1"]
STATES = {"zh": {"unchecked": "未检查", "draft": "草稿", "done": "已检查", "none": "没有找到"},
          "en": {"unchecked": "Not checked", "draft": "Draft", "done": "Checked", "none": "Nothing found"}}


def household_round(app, close_group_round=True) -> dict:
    """The group round closed (unless not); an open household round of this month with
    inspector1's first group assigned, and that group's households. Answers {group,
    households, round}."""
    from server.changes import record_change
    from server.extensions import db
    from server.admin.rubrics import install_household_rubric
    from server.models import Household, VillagerGroup

    admin = ApiClient(app.test_client()).as_user("admin")
    inspector = ApiClient(app.test_client()).as_user("inspector1")
    changes, _ = inspector.pull_all()
    group_round = next(c["data"] for c in changes if c["type"] == "round" and c["data"]["state"] == "open")
    group_id = next(c["data"]["group_id"] for c in changes if c["type"] == "assignment"
                    and c["data"]["user_id"] == inspector.user["id"])
    if close_group_round:
        close_round(app, group_round["id"])
    with app.app_context():
        version = install_household_rubric().version     # as its migration installs it
        group = db.session.get(VillagerGroup, group_id)
        rows = [Household(group_id=group_id, township_id=group.village.township_id, number=number,
                          head=head) for number, head in HOUSEHOLDS]
        db.session.add_all(rows)
        db.session.flush()
        for row in rows:
            record_change(db.session, "household", row.id, row.township_id)
        db.session.commit()
        ids = {row.number: row.id for row in rows}
    created = admin.post("/rounds", json={
        "name": "入户检查", "name_en": "Household checks", "starts_on": group_round["starts_on"],
        "ends_on": group_round["ends_on"], "rubric_version": version, "subject": "household"})
    assert created.status_code == 201, created.get_json()
    round_id = created.get_json()["id"]
    assigned = admin.put(f"/rounds/{round_id}/assignments", json={"groups": [
        {"group_id": group_id, "team_id": None, "user_ids": [inspector.user["id"]]}]})
    assert assigned.status_code == 200, assigned.get_json()
    return {"group": group_id, "households": ids, "round": round_id}


@pytest.fixture
def township(live_server):
    return household_round(live_server.app)


@pytest.fixture
def page(phone, live_server, township):
    phone.set_viewport_size({"width": 360, "height": 740})
    sign_in(phone, live_server.url)
    return phone


def open_group(page, group_id: int):
    page.goto(page.url.split("#")[0] + "#/")
    page.locator(f"#assignments a.row[data-group='{group_id}']").tap()
    page.wait_for_selector(f"#household-list[data-group='{group_id}'] #households li")


def shown(page) -> list[str]:
    return page.locator("#households li:not([hidden]) .hh-number").all_inner_texts()


def start_check(page, household_id: int) -> str:
    page.locator(f"#households li[data-household='{household_id}'] a").tap()
    page.wait_for_selector("#criterion")
    return page.url.split("#/inspect/")[1].split("/")[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_group_opens_on_its_households_by_number_with_their_state_and_a_search(page, township, lang):
    switch_language(page, lang)
    open_group(page, township["group"])
    expect(page.locator("#households li")).to_have_count(len(HOUSEHOLDS))
    assert shown(page) == IN_ORDER
    expect(page.locator("#households li[data-state='unchecked']")).to_have_count(len(HOUSEHOLDS))
    expect(page.locator("#households li").first).to_contain_text(STATES[lang]["unchecked"])
    expect(page.locator("#household-summary")).to_contain_text("6")

    # a check begun and left is a draft; one submitted is checked
    ids = township["households"]
    start_check(page, ids["12"])
    page.locator("#back-button").tap()             # back to the group's households
    page.wait_for_selector("#household-list")
    start_check(page, ids["2"])
    page.goto(page.url.rsplit("/", 1)[0] + "/99")
    page.wait_for_selector("#summary")
    expect(page.locator("#household-name")).to_contain_text("玉香")
    confirm_submit(page)
    expect(page.locator("#detail #household-name")).to_contain_text("2")
    open_group(page, township["group"])
    draft = page.locator(f"#households li[data-household='{ids['12']}']")
    done = page.locator(f"#households li[data-household='{ids['2']}']")
    expect(draft).to_have_attribute("data-state", "draft")
    expect(draft).to_contain_text(STATES[lang]["draft"])
    expect(done).to_have_attribute("data-state", "done")
    expect(done).to_contain_text(STATES[lang]["done"])

    # the search answers at each keystroke: by 户号 from its start, by 户主 anywhere in it
    box = page.locator("#household-search")
    box.press_sequentially("1")
    expect(page.locator("#households li:not([hidden])")).to_have_count(4)
    assert shown(page) == ["1", "10", "12", "12-1"]
    box.press_sequentially("2")
    assert shown(page) == ["12", "12-1"]
    box.fill("三")
    expect(page.locator("#households li:not([hidden])")).to_have_count(1)
    expect(page.locator("#households li:not([hidden])")).to_contain_text("张三丰")
    box.fill("nobody")
    expect(page.locator("#households li:not([hidden])")).to_have_count(0)
    expect(page.locator("#households-empty")).to_be_visible()
    expect(page.locator("#households-empty")).to_contain_text(STATES[lang]["none"])
    box.fill("")
    expect(page.locator("#households li:not([hidden])")).to_have_count(len(HOUSEHOLDS))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_household_round_beside_the_group_round_has_a_section_of_its_own(phone, live_server, lang):
    township = household_round(live_server.app, close_group_round=False)
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url)
    switch_language(page, lang)
    page.goto(page.url.split("#")[0] + "#/")
    group_row = page.locator(f"#assignments a.row[data-group='{township['group']}']")
    household_row = page.locator(f"#household-assignments a.row[data-group='{township['group']}']")
    expect(household_row).to_be_visible()
    expect(page.locator("#household-assignments h2")).to_contain_text(
        {"zh": "入户检查", "en": "Household checks"}[lang])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # the group round's row starts a group's inspection; the household round's opens its households
    household_row.tap()
    page.wait_for_selector(f"#household-list[data-group='{township['group']}'] #households li")
    page.goto(page.url.split("#")[0] + "#/")
    group_row.tap()
    page.wait_for_selector("#criterion")
    expect(page.locator("#household-name")).to_have_count(0)
    [record] = local_inspections(page)
    assert "household_id" not in record and record["round_id"] != township["round"]


def test_a_household_check_made_offline_survives_a_reload_and_syncs(page, live_server, township):
    from server.extensions import db
    from server.models import Inspection

    household = township["households"]["03"]
    page.context.set_offline(True)
    open_group(page, township["group"])
    inspection_id = start_check(page, household)
    expect(page.locator("#household-name")).to_contain_text("赵六")
    # the same flow as a group's: a counter, its photo, a note, the summary, submit
    tap_plus(page, "yard.yard_clutter")
    add_photo(page, "yard.yard_clutter", jpeg_bytes(seed=21))
    page.fill("#note-yard", "柴草堆在门口")
    page.goto(page.url.rsplit("/", 1)[0] + "/99")
    page.wait_for_selector("#summary")
    confirm_submit(page)

    page.reload()
    wait_ready(page)
    [record] = [r for r in local_inspections(page) if r["id"] == inspection_id]
    assert record["household_id"] == household and record["local"]["state"] == "submitted"
    open_group(page, township["group"])
    expect(page.locator(f"#households li[data-household='{household}']")).to_have_attribute("data-state", "done")
    page.goto(page.url.split("#")[0] + "#/")
    assert status(page)["inspections"] == 1

    page.context.set_offline(False)
    sync(page)
    after = status(page)
    assert (after["inspections"], after["photos"], after["error"]) == (0, 0, "")
    with live_server.app.app_context():
        stored = db.session.get(Inspection, inspection_id)
        assert stored.household_id == household and stored.group_id == township["group"]
        assert stored.round_id == township["round"]
        assert stored.criteria["yard"]["deductions"]["yard_clutter"] == 1
        assert len(stored.photos) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_my_inspections_on_home_name_the_household_checked(page, township, lang):
    switch_language(page, lang)
    open_group(page, township["group"])
    inspection_id = start_check(page, township["households"]["12-1"])
    page.goto(page.url.split("#")[0] + "#/")
    row = page.locator(f"#my-inspections a[data-inspection='{inspection_id}']")
    expect(row.locator(".hh-name")).to_have_text({"zh": "12-1号 张三丰", "en": "No. 12-1 张三丰"}[lang])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# counts the session's reads from IndexedDB (the `meta` store) from now on
COUNT_META_READS = """() => {
    window.metaReads = 0;
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (key) {
        if (this.name === 'meta') window.metaReads += 1;
        return get.call(this, key);
    };
}"""


def test_a_long_list_opens_without_reading_the_session_and_draws_every_household(phone, live_server):
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url)
    group = hold_households(page, 45)["groups"][0]
    page.evaluate(COUNT_META_READS)
    page.evaluate(f"location.hash = '#/households/{group}'")
    # a screen's worth is painted first, the rest follow; a search covers them all
    page.wait_for_selector("#households[data-drawn='all']", state="attached")
    expect(page.locator("#households li")).to_have_count(45)
    assert page.evaluate("window.metaReads") == 0
    page.locator("#household-search").fill("45")
    expect(page.locator("#households li:not([hidden])")).to_have_count(1)
    expect(page.locator("#households li:not([hidden]) .hh-number")).to_have_text("45")


# What the app before schema 5 held: households a pull stored already (an older app keeps
# every type it pulls), a submitted inspection not yet sent.
HELD_BY_SCHEMA_4 = {
    "ref": [*({"type": "household", "id": str(id), "version": 5, "data": {
                 "id": id, "group_id": group_id, "number": number, "head": "户主" + number,
                 "members": 2, "active": True, "balance": 0}}
              for id, group_id, number in [(1, 3, "10"), (2, 3, "9"), (3, 4, "1")]),
            {"type": "round", "id": "7", "version": 5, "data": {
                "id": 7, "name": "入户检查", "starts_on": "2000-01-01", "ends_on": "2099-12-31",
                "state": "open", "rubric_version": 2, "subject": "household"}}],
    "inspections": [UNSENT_INSPECTION]}


def test_the_schema_update_indexes_households_held_and_keeps_every_record(phone, live_server):
    page = phone
    open_app_over_old_database(page, live_server.url, 4, SCHEMA_4, HELD_BY_SCHEMA_4)
    [record] = local_inspections(page)
    assert record["id"] == "i-1" and record["household_id"] == 2 and record["note"] == "门前整洁"
    listed = page.evaluate("""async () => {
        const { householdList } = await import('/app/households.js');
        const { summary, payloadOf } = await import('/app/outbox.js');
        const { getInspection } = await import('/app/records.js');
        const list = await householdList(3);
        return { numbers: list.households.map((x) => x.number), round: list.round.id,
                 states: [...list.states].map(([id, s]) => [id, Object.keys(s)]),
                 waiting: (await summary()).inspections,
                 payload: payloadOf(await getInspection('i-1')).household_id };
    }""")
    assert listed == {"numbers": ["9", "10"], "round": 7, "states": [[2, ["done"]]], "waiting": 1,
                      "payload": 2}
