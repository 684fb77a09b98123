"""Which round the phone records for, and why: home says the round is current because today
is in its period; before the period starts or after it ends (the round still open) it
says so, and starting an inspection asks first (the test answers both ways); once the
round is closed, an empty home says which round closed. 360 px, both languages."""
from datetime import date, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.support.factories import close_round
from tests.support.phone import local_inspections, sign_in, sync, wait_synced

TOWNSHIP = timezone(timedelta(hours=8))
TEXTS = {
    "zh": {"in_period": "今天在本轮评比期间内", "not_started": "才开始", "ended": "已于",
           "closed": "已关闭", "ask": "仍要为这一轮记录检查吗"},
    "en": {"in_period": "today is within its period", "not_started": "has not started",
           "ended": "ended on", "closed": "is closed", "ask": "Record an inspection for this round anyway?"},
}

ROUND_ON_PHONE = """async () => (await import('/app/reference.js')).openRound()"""


@pytest.fixture
def page(phone, live_server):
    phone.set_viewport_size({"width": 360, "height": 740})
    sign_in(phone, live_server.url)
    return phone


def switch_language(page, lang: str):
    if lang == "en":
        page.click("#lang-toggle")
        page.wait_for_selector("html[lang='en']")


def home(page):
    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#status")
    wait_synced(page)


def phone_day(page, day: date):
    """The phone's clock at noon, township time, on that day (the server's is left alone)."""
    page.clock.set_fixed_time(datetime(day.year, day.month, day.day, 12, tzinfo=TOWNSHIP))
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    home(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_says_the_round_is_current_because_today_is_in_its_period(page, lang):
    switch_language(page, lang)
    home(page)
    why = page.locator("#assignments #round-why")
    expect(why).to_have_attribute("data-period", "in_period")
    expect(why).to_contain_text(TEXTS[lang]["in_period"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("when", ["not_started", "ended"])
def test_outside_the_period_home_says_so_and_starting_asks_first(page, lang, when):
    round_ = page.evaluate(ROUND_ON_PHONE)
    day = (date.fromisoformat(round_["starts_on"]) - timedelta(days=3) if when == "not_started"
           else date.fromisoformat(round_["ends_on"]) + timedelta(days=3))
    phone_day(page, day)
    switch_language(page, lang)
    why = page.locator("#assignments #round-why")
    expect(why).to_have_attribute("data-period", when)
    expect(why).to_contain_text(TEXTS[lang][when])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # answered "don't record": back home, nothing recorded
    page.locator("#assignments a.row").first.tap()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text(TEXTS[lang]["ask"])
    page.locator("#confirm-no").tap()
    expect(page.locator("#assignments #round-why")).to_be_visible()
    assert local_inspections(page) == []

    # answered "record anyway": the inspection starts, for this round
    page.locator("#assignments a.row").first.tap()
    page.locator("#confirm-yes").tap()
    page.wait_for_selector("#criterion")
    assert [r["round_id"] for r in local_inspections(page)] == [round_["id"]]


def test_inside_the_period_starting_asks_nothing(page):
    page.locator("#assignments a.row").first.tap()
    page.wait_for_selector("#criterion")
    expect(page.locator("#confirm-dialog")).to_have_count(0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_the_round_closed_an_empty_home_says_which_round_closed(page, live_server, lang):
    round_ = page.evaluate(ROUND_ON_PHONE)
    close_round(live_server.app, round_["id"])
    sync(page)
    switch_language(page, lang)
    home(page)
    empty = page.locator("#no-round")
    expect(empty).to_contain_text(round_["name_en"] if lang == "en" and round_.get("name_en") else round_["name"])
    expect(empty).to_contain_text(TEXTS[lang]["closed"])
    expect(page.locator("#assignments")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
