"""A group's household list on a 360-px phone opens with no more work than the screen
needs (P11): the rows that fit on the screen come with the list, the others once the phone
is idle (a search covers them all); and a screen change leaves the header and tabs as they
are, drawn anew only when what they show changes (the tab, the language). Both languages."""
import math

import pytest
from playwright.sync_api import expect

from tests.support.households import hold_households
from tests.support.phone import sign_in, switch_language

HOUSEHOLDS = 45
ROW_PX = 56          # a row's least height (app.css .row)
WORDS = {"zh": {"title": "村庄环境检查", "checks": "检查", "points": "积分"},
         "en": {"title": "Village inspections", "checks": "Checks", "points": "Points"}}

# opens a group's list; answers its rows as the list is first put on the screen, where the
# last of them ends, and the screen's height
FIRST_DRAWN = """(groupId) => new Promise((seen) => {
    const main = document.getElementById('main');
    const watch = new MutationObserver(() => {
        const list = main.querySelector(`#household-list[data-group='${groupId}'] #households`);
        if (!list) return;
        watch.disconnect();
        const rows = list.querySelectorAll('li');
        seen({ rows: rows.length, bottom: rows[rows.length - 1].getBoundingClientRect().bottom,
               screen: innerHeight });
    });
    watch.observe(main, { childList: true, subtree: true });
    location.hash = `#/households/${groupId}`;
})"""


@pytest.fixture
def page(phone, live_server):
    phone.set_viewport_size({"width": 360, "height": 740})
    sign_in(phone, live_server.url)
    return phone


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_list_comes_with_a_screenful_of_rows_and_the_rest_follow(page, lang):
    switch_language(page, lang)
    group = hold_households(page, HOUSEHOLDS)["groups"][0]
    first = page.evaluate(FIRST_DRAWN, group)
    # the screen is full from the start, and no row is drawn for later that does not fit
    assert first["bottom"] >= first["screen"]
    assert first["rows"] <= math.ceil(first["screen"] / ROW_PX) < HOUSEHOLDS
    page.wait_for_selector("#households[data-drawn='all']", state="attached")
    expect(page.locator("#households li")).to_have_count(HOUSEHOLDS)
    numbers = page.locator("#households li .hh-number").all_text_contents()
    assert numbers[:3] == ["01", "2", "2-1"] and numbers[-1] == str(HOUSEHOLDS)
    page.locator("#household-search").fill(str(HOUSEHOLDS))
    expect(page.locator("#households li:not([hidden])")).to_have_count(1)
    expect(page.locator("#households li:not([hidden]) .hh-number")).to_have_text(str(HOUSEHOLDS))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_screen_change_leaves_the_header_as_drawn(page, lang):
    switch_language(page, lang)
    group = hold_households(page, HOUSEHOLDS)["groups"][0]
    page.evaluate("window.drawnTitle = document.getElementById('app-title')")
    page.evaluate(f"location.hash = '#/households/{group}'")
    page.wait_for_selector(f"#household-list[data-group='{group}']")
    assert page.evaluate("document.getElementById('app-title') === window.drawnTitle")
    expect(page.locator("#app-title")).to_have_text(WORDS[lang]["title"])
    expect(page.locator("#tab-checks")).to_have_class("on")

    # the 积分 tab is what the header shows differently: then it is drawn anew
    page.locator("#tab-points").tap()
    expect(page.locator("#tab-points")).to_have_class("on")
    expect(page.locator("#tab-checks")).to_have_text(WORDS[lang]["checks"])
    expect(page.locator("#tab-points")).to_have_text(WORDS[lang]["points"])
    page.locator("#tab-checks").tap()
    expect(page.locator("#tab-checks")).to_have_class("on")

    # and in the other language when the language changes
    other = "en" if lang == "zh" else "zh"
    switch_language(page, other)
    expect(page.locator("#app-title")).to_have_text(WORDS[other]["title"])
    expect(page.locator("#tab-checks")).to_have_text(WORDS[other]["checks"])
