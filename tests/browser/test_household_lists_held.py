"""A group's household list on a 360-px phone opens from memory (P11): in a household round
the groups' lists are read while the phone is idle, and tapping a group then draws its
list with no read from IndexedDB before it is on the screen, with only the rows that fit
below the card's head. What changed meanwhile still shows: a list held is
read again once drawn, and a check begun elsewhere is never shown as not begun. The icon
the browser fetches again at each screen change is a PNG. Both languages."""
import math

import pytest
from playwright.sync_api import expect

from tests.support.households import hold_households
from tests.support.phone import sign_in, switch_language

PER_GROUP = 30
ROW_PX = 56          # a row's least height (app.css .row)
UNCHECKED = {"zh": "未检查", "en": "Not checked"}
DRAFT = {"zh": "草稿", "en": "Draft"}
HOME_WORDS = {"zh": "首页", "en": "Home"}

# looks, an idle moment at a time, until the phone holds these groups' lists in memory
WATCH_HELD = """async (groups) => {
    const { heldHouseholdList } = await import('/app/households.js');
    window.listsHeld = false;
    const look = () => {
        if (groups.every((g) => heldHouseholdList(g))) window.listsHeld = true;
        else requestIdleCallback(look);
    };
    look();
}"""


def wait_held(page, groups):
    page.evaluate(WATCH_HELD, groups)
    page.wait_for_function("window.listsHeld === true")

# counts every read from IndexedDB from now on
COUNT_READS = """() => {
    window.reads = 0;
    for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
        for (const name of ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor']) {
            const read = proto[name];
            proto[name] = function (...args) { window.reads += 1; return read.apply(this, args); };
        }
    }
}"""

# opens a group's list; answers what was on the screen when the list was first put there
FIRST_DRAWN = """(groupId) => new Promise((seen) => {
    const main = document.getElementById('main');
    const readsBefore = window.reads ?? 0;
    const watch = new MutationObserver(() => {
        const list = main.querySelector(`#household-list[data-group='${groupId}'] #households`);
        if (!list) return;
        watch.disconnect();
        const rows = [...list.querySelectorAll('li')];
        seen({ reads: (window.reads ?? 0) - readsBefore, rows: rows.length, top: list.getBoundingClientRect().top,
               bottom: rows[rows.length - 1].getBoundingClientRect().bottom, screen: innerHeight,
               states: Object.fromEntries(rows.map((li) => [li.dataset.household, li.dataset.state])),
               badge: rows[0].querySelector('.badge').textContent });
    });
    watch.observe(main, { childList: true, subtree: true });
    location.hash = `#/households/${groupId}`;
})"""

# a household added to a group as a pull stores it, behind the app's back
ADD_HOUSEHOLD = """async ({ groupId, id }) => {
    const { applyPullPage } = await import('/app/pull.js');
    const { getMeta } = await import('/app/session.js');
    await applyPullPage({ cursor: await getMeta('cursor'), changes: [{ type: 'household', id: String(id),
        op: 'put', version: 1, data: { id, group_id: groupId, number: '999', head: '新户', members: 1,
                                       active: true, balance: 0 } }] });
}"""


@pytest.fixture
def page(phone, live_server):
    phone.set_viewport_size({"width": 360, "height": 740})
    sign_in(phone, live_server.url)
    return phone


def go_home(page):
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("#assignment-summary")


def open_list(page, group):
    page.evaluate(f"location.hash = '#/households/{group}'")
    page.wait_for_selector(f"#household-list[data-group='{group}'] #households[data-drawn='all']",
                           state="attached")


def lists_held(page, lang) -> tuple[int, int]:
    """Households held in every group (a household round now open), the app started again
    on home: answers the first two groups once their lists are held."""
    switch_language(page, lang)
    first, second, *_ = hold_households(page, PER_GROUP)["groups"]
    page.reload()
    page.wait_for_selector("#assignment-summary")
    # the sync the app begins once started forgets the lists when it ends: wait for its end
    page.wait_for_function("document.documentElement.dataset.sync === 'idle'")
    wait_held(page, [first, second])
    return first, second


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_group_opens_from_memory_with_the_rows_below_the_head(page, lang):
    first, second = lists_held(page, lang)
    open_list(page, first)          # where a list begins on the screen is learnt from one drawn
    go_home(page)
    page.evaluate(COUNT_READS)
    drawn = page.evaluate(FIRST_DRAWN, second)
    # nothing read before the list is on the screen, and no row drawn for later that does not fit
    assert drawn["reads"] == 0
    assert drawn["bottom"] >= drawn["screen"]
    assert drawn["rows"] <= math.ceil((drawn["screen"] - drawn["top"]) / ROW_PX) + 1 < PER_GROUP
    assert drawn["badge"] == UNCHECKED[lang]
    page.wait_for_selector("#households[data-drawn='all']", state="attached")
    expect(page.locator("#households li")).to_have_count(PER_GROUP)
    expect(page.locator("#households li").first).to_contain_text(UNCHECKED[lang])
    expect(page.locator(".bottom-bar a")).to_have_text(HOME_WORDS[lang])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_changed_meanwhile_shows_on_a_list_held(page, lang):
    first, second = lists_held(page, lang)

    # a household stored while the list was held comes once the list is read again
    page.evaluate(ADD_HOUSEHOLD, {"groupId": second, "id": 990001})
    go_home(page)
    open_list(page, second)
    expect(page.locator("#households li")).to_have_count(PER_GROUP + 1)
    expect(page.locator("#households li[data-household='990001']")).to_contain_text("新户")
    expect(page.locator("#household-summary")).to_contain_text(str(PER_GROUP + 1))

    # a check begun from the list is a draft the moment the list is back on the screen
    wait_held(page, [first])
    household = page.locator("#households li").nth(1).get_attribute("data-household")
    page.locator(f"#households li[data-household='{household}'] a").tap()
    page.wait_for_selector("#criterion")
    go_home(page)
    drawn = page.evaluate(FIRST_DRAWN, second)
    assert drawn["states"][household] == "draft"
    expect(page.locator(f"#households li[data-household='{household}']")).to_contain_text(DRAFT[lang])


def test_the_icon_fetched_at_each_screen_change_is_a_png(page):
    # Chromium fetches the page's icon again at every change of address: an SVG one is a
    # whole document built on the main thread each time a list opens
    icon = page.evaluate("""async () => {
        const link = document.querySelector("link[rel~='icon']");
        const image = new Image();
        image.src = link.href;
        await image.decode();
        return { type: link.type, href: link.getAttribute('href'), width: image.naturalWidth };
    }""")
    assert icon["type"] == "image/png" and icon["href"].endswith(".png") and icon["width"] >= 32
