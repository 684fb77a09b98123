"""A household's points page on a 360-px screen, in both languages, under the
Content-Security-Policy: its ledger as cards, a void with its confirmation, and a refused
correction that keeps what was typed."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.household_rounds import household_round
from tests.support.ledger import deed, push_ledger, redeem
from tests.support.web import answer_next_dialog, sign_in_page

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
WORDS = {"zh": {"voided": "记录已作废", "points": "积分", "problem": "请填写积分",
                "overdraft": "透支"},
         "en": {"voided": "The entry is voided", "points": "Points",
                "problem": "Give the points", "overdraft": "Overdraft"}}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_households_points_fit_a_phone_void_and_correct(live_server, small_screen, lang):
    app, page, words = live_server.app, small_screen, WORDS[lang]
    with app.app_context():
        made = household_round()
    a01 = made.households["A01"]
    phone = ApiClient(app.test_client()).as_user("inspector1")
    deed_id, _ = [r["id"] for r in push_ledger(phone, deed(a01), redeem(a01, ("洗衣粉", 1, 7)))]
    page.context.add_init_script(WATCH)
    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/households/{a01}?lang={lang}")
    expect(page.locator("#balance")).to_have_text("-2")
    cards = page.locator("#ledger tr[data-entry]")
    expect(cards).to_have_count(2)
    expect(page.locator("table.household-ledger thead").first).to_be_hidden()
    expect(cards.first.locator("td", has_text="-7")).to_have_attribute("data-label",
                                                                       words["points"])
    expect(cards.first).to_contain_text(words["overdraft"])
    expect(page.locator("tr[data-check]")).to_have_count(2)
    assert page_width(page) <= 360

    card = page.locator(f"tr[data-entry='{deed_id}']")
    card.locator("input[name=reason]").fill("重复记录")
    asked = answer_next_dialog(page, accept=True)
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(words["voided"])
    expect(page.locator("#balance")).to_have_text("-7")
    assert asked and page_width(page) <= 360

    page.fill("#adjust input[name=points]", "x")
    page.fill("#adjust textarea[name=reason]", "补发清扫积分")
    with page.expect_navigation():
        page.click("#adjust-button")
    expect(page.locator("#adjust ul.errors")).to_contain_text(words["problem"])
    expect(page.locator("#adjust textarea[name=reason]")).to_have_value("补发清扫积分")
    expect(page.locator("#balance")).to_have_text("-7")
    assert page_width(page) <= 360
    assert page.evaluate("window.__violations") == []
    assert not re.search(r"<script>", page.content())
