"""A household round's results page on a 360-px screen, in both languages, under the
Content-Security-Policy: households as cards, a search by 户主, and publishing."""
import pytest
from playwright.sync_api import expect

from tests.support.factories import close_round
from tests.support.household_rounds import household_round
from tests.support.web import answer_next_dialog, sign_in_page

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
WORDS = {"zh": {"not_checked": "未检查", "published": "入户检查结果已发布", "points": "积分"},
         "en": {"not_checked": "Not checked", "published": "The household results are published",
                "points": "Points"}}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_results_fit_a_phone_find_a_household_and_publish(live_server, small_screen, lang):
    app, page, words = live_server.app, small_screen, WORDS[lang]
    with app.app_context():
        made = household_round()
    page.context.add_init_script(WATCH)
    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/rounds/{made.round_id}/results?lang={lang}")
    cards = page.locator("table.household-results tr[data-household]")
    expect(cards).to_have_count(6)
    expect(page.locator("tr.not-checked").first).to_contain_text(words["not_checked"])
    # a card of labelled lines: no table head, each value with its label
    expect(page.locator("table.household-results thead")).to_be_hidden()
    points = page.locator(f"tr[data-household='{made.households['A01']}'] td",
                          has_text="+10")
    expect(points).to_have_attribute("data-label", words["points"])
    assert page_width(page) <= 360

    page.fill("input[name=q]", "杨")
    with page.expect_navigation():
        page.click("#results-filters button[type=submit]")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("杨丽")
    assert page_width(page) <= 360

    close_round(app, made.round_id)
    page.reload()
    asked = answer_next_dialog(page, accept=True)
    with page.expect_navigation():
        page.click("#publish-results")
    expect(page.locator("body")).to_contain_text(words["published"])
    expect(page.locator("#published-versions")).to_contain_text("v1")
    assert asked and page_width(page) <= 360
    assert page.evaluate("window.__violations") == []
