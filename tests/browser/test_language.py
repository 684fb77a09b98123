"""Chinese first, English on request; dates follow the language; thumb-sized targets."""
import re

from playwright.sync_api import expect

from tests.support.phone import go_to_criterion, sign_in, start_inspection, status, tap_plus, wait_ready


def test_chinese_by_default_english_switchable_and_kept(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("#assignment-summary") == "要检查 19 个小组，已完成 0 个"
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page.inner_text("#assignments h2"))

    page.click("#lang-toggle")
    page.wait_for_selector("html[lang='en']")
    expect(page.locator("#assignment-summary")).to_have_text("19 groups to visit, 0 done")
    assert re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b",
                     page.inner_text("#assignments h2"))
    page.reload()
    wait_ready(page)
    assert page.get_attribute("html", "lang") == "en"
    assert status(page)["line"] == "Everything is sent: nothing waiting"


def too_small(page) -> list:
    return page.evaluate("""() => [...document.querySelectorAll('button, a.button, a.row, label.button')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el.textContent.trim().slice(0, 20), el.getBoundingClientRect()])
        .filter(([, r]) => r.height < 48 || r.width < 48)
        .map(([text, r]) => `${text} ${Math.round(r.width)}x${Math.round(r.height)}`)""")


def test_touch_targets_are_at_least_48_px_on_a_360_px_screen(phone, live_server):
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url)
    status(page)                       # the status card is painted, with its sync button
    assert too_small(page) == []
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins")
    assert too_small(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360    # nothing wider than the screen
