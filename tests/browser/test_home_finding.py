"""Finding things on the phone's home screen at 360 px: the groups to visit in the
township's order (village, then group), a search that narrows them as one types, and
my inspections one round at a time, the current round first and earlier ones folded."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.factories import inspection, reference
from tests.support.phone import page_of_size, sign_in, switch_language, sync

TEXTS = {
    "zh": {"label": "查找小组", "none": "没有找到“无此村”", "count": "2 次检查"},
    "en": {"label": "Find a group", "none": "Nothing matches “无此村”", "count": "2 inspections"},
}


@pytest.fixture
def narrow_phone(browser):
    yield from page_of_size(browser, 360, 740)


def township_order(ref) -> list[int]:
    """inspector1's groups as the server lists places: by village, then by group."""
    groups = {c["data"]["id"]: c["data"] for c in ref["changes"] if c["type"] == "group"}
    return sorted(ref["assigned"], key=lambda g: (groups[g]["village_id"], g))


def earlier_round(app, round_id: int) -> int:
    """An earlier round of the township, the month before the open one."""
    from server.admin.rounds import create_round
    from server.extensions import db
    from server.models import Round

    with app.app_context():
        current = db.session.get(Round, round_id)
        earlier = create_round(current.township_id, name="上月评比", name_en="Last month",
                               starts_on=current.starts_on - timedelta(days=30),
                               ends_on=current.starts_on - timedelta(days=1), rubric_id=current.rubric_id)
        db.session.commit()
        return earlier.id


def visible_groups(page) -> list[str]:
    return page.eval_on_selector_all(
        "#assignments li:not([hidden]) a.row", "(rows) => rows.map((a) => a.dataset.group)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_groups_in_order_a_search_as_one_types_and_inspections_by_round(narrow_phone, live_server, lang):
    page, app = narrow_phone, live_server.app
    inspector = ApiClient(app.test_client()).as_user("inspector1")
    ref = reference(inspector)
    current = ref["round"]["id"]
    earlier = earlier_round(app, current)
    # two inspections in each round, pushed from another of the inspector's phones
    for round_id, group in [(earlier, ref["assigned"][0]), (earlier, ref["assigned"][1]),
                            (current, ref["assigned"][2]), (current, ref["assigned"][3])]:
        result = inspector.push(inspection(round_id, group)).get_json()["results"][0]
        assert result["outcome"] == "applied", result

    sign_in(page, live_server.url)
    switch_language(page, lang)

    # the township's order: 曼贺一组…六组, 曼短一组…五组, 曼真一组…八组
    order = [str(g) for g in township_order(ref)]
    expect(page.locator("#assignments a.row")).to_have_count(len(order))
    assert visible_groups(page) == order

    # and so does the list of every group to pick another from
    page.goto(page.url.split("#")[0] + "#/pick")
    page.wait_for_selector("#pick")
    picked = page.eval_on_selector_all("#main > section:not(#pick) a.row", "(rows) => rows.map((a) => a.dataset.group)")
    assert picked[:len(order)] == order
    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#home-search")

    # a search narrows the list at each keystroke, in either language's names
    expect(page.locator("label[for='home-search']")).to_have_text(TEXTS[lang]["label"])
    box = page.locator("#home-search")
    box.press_sequentially("曼真")
    page.wait_for_function("document.querySelectorAll('#assignments li:not([hidden])').length === 8")
    assert visible_groups(page) == order[11:19]
    box.fill("")
    box.press_sequentially("manduan 3")
    page.wait_for_function("document.querySelectorAll('#assignments li:not([hidden])').length === 1")
    assert visible_groups(page) == [order[8]]
    expect(page.locator("#search-empty")).to_be_hidden()
    # what is typed outlives the screen drawn again after a sync
    sync(page)
    expect(page.locator("#home-search")).to_have_value("manduan 3")
    assert visible_groups(page) == [order[8]]
    page.locator("#home-search").fill("无此村")
    expect(page.locator("#search-empty")).to_contain_text(TEXTS[lang]["none"])
    assert visible_groups(page) == []
    page.locator("#home-search").fill("")
    expect(page.locator("#assignments li:not([hidden])")).to_have_count(len(order))

    # my inspections: this round's first and open, the earlier round folded under its name
    blocks = page.locator("#my-inspections .round-block")
    expect(blocks).to_have_count(2)
    expect(blocks.nth(0)).to_have_attribute("data-round", str(current))
    expect(blocks.nth(0).locator("a[data-inspection]")).to_have_count(2)
    expect(blocks.nth(0).locator("a[data-inspection]").first).to_be_visible()
    expect(blocks.nth(1)).to_have_attribute("data-round", str(earlier))
    expect(blocks.nth(1).locator("summary")).to_contain_text(
        {"zh": "上月评比", "en": "Last month"}[lang] + " " + TEXTS[lang]["count"])
    expect(blocks.nth(1).locator("a[data-inspection]").first).to_be_hidden()
    # a search opens a folded round that holds what it finds
    first_group = page.locator(f"#assignments a.row[data-group='{ref['assigned'][0]}'] b").inner_text()
    page.locator("#home-search").fill(first_group)
    found = blocks.nth(1).locator("li:not([hidden]) a[data-inspection]")
    expect(found).to_have_count(1)
    expect(found).to_be_visible()
    expect(blocks.nth(0)).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
