"""A once or veto item is answered by a control whose two choices are both in view,
无此问题 | 有此问题 (No such problem | Problem found), the current one marked: tapping
"no such problem" never records the problem; per-occurrence items keep their counter.
On a 360-px phone, in both languages."""
import pytest
from playwright.sync_api import expect

from tests.support.phone import go_to_criterion, local_inspections, sign_in, start_inspection

TEXTS = {"zh": ("无此问题", "有此问题"), "en": ("No such problem", "Problem found")}
ITEM = "cleaning.no_cleaner"


def switch_language(page, lang: str):
    if lang == "en":
        page.click("#lang-toggle")
        page.wait_for_selector("html[lang='en']")


def deductions(page, inspection_id: str) -> dict:
    record = next(r for r in local_inspections(page) if r["id"] == inspection_id)
    return record["criteria"]["cleaning"]["deductions"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_such_problem_and_problem_found_are_two_visible_choices(phone, live_server, lang):
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url)
    switch_language(page, lang)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "cleaning")

    choice = page.locator(f".finding-choice[data-item='{ITEM}']")
    absent, present = choice.locator("[data-finding='no']"), choice.locator("[data-finding='yes']")
    expect(absent).to_contain_text(TEXTS[lang][0])
    expect(present).to_contain_text(TEXTS[lang][1])
    expect(absent).to_be_visible()
    expect(present).to_be_visible()
    expect(absent).to_have_attribute("aria-checked", "true")       # nothing recorded: marked as such
    expect(present).to_have_attribute("aria-checked", "false")
    # both side by side within the screen
    boxes = [absent.bounding_box(), present.bounding_box()]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[1]["x"] + boxes[1]["width"] <= 360

    # the newcomer's tap on "no such problem" records nothing
    absent.tap()
    expect(absent).to_have_attribute("aria-checked", "true")
    assert deductions(page, inspection_id).get("no_cleaner", 0) == 0
    expect(page.locator(f"li.item[data-item='{ITEM}'] .photos")).to_have_count(0)

    present.tap()
    expect(present).to_have_attribute("aria-checked", "true")
    expect(absent).to_have_attribute("aria-checked", "false")
    expect(page.locator(f"li.item[data-item='{ITEM}'] .photos")).to_have_count(1)
    assert deductions(page, inspection_id)["no_cleaner"] == 1

    absent.tap()
    expect(absent).to_have_attribute("aria-checked", "true")
    expect(page.locator(f"li.item[data-item='{ITEM}'] .photos")).to_have_count(0)
    assert deductions(page, inspection_id)["no_cleaner"] == 0

    # a per-occurrence item keeps its counter
    go_to_criterion(page, inspection_id, "collection")
    expect(page.locator(".counter[data-item='collection.bins'] output")).to_have_text("0")
    expect(page.locator(".finding-choice[data-item='collection.bins']")).to_have_count(0)
    expect(page.locator(".finding-choice[data-item='collection.open_burning']")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
