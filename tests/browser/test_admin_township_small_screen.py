"""The admin township settings page on a 360-px screen, in Chinese and English: every
setting fits without sideways scroll, a wrong one is named, a right one is saved."""
import pytest
from playwright.sync_api import expect

from tests.support.web import sign_in_page

WORDS = {"zh": {"notice": "公示天数须为 0 到 30 之间的整数", "saved": "乡镇设置已保存"},
         "en": {"notice": "notice days must be a whole number", "saved": "Township settings saved"}}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_township_settings_on_a_phone(live_server, small_screen, lang):
    page, words = small_screen, WORDS[lang]
    refused = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    sign_in_page(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/township?lang={lang}")
    expect(page.locator("input[name=min_score_4]")).to_have_value("0")
    assert no_sideways_scroll(page)
    # The browser's own check would stop 99 days before the server sees it.
    page.evaluate("document.getElementById('township-settings').noValidate = true")
    page.fill("#notice_days", "99")
    with page.expect_navigation():
        page.click("#township-settings button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text(words["notice"])
    assert no_sideways_scroll(page)
    page.fill("#notice_days", "5")
    page.fill("#objection_contact", "镇农办 0871-1234567")
    page.fill("input[name=band_points_0]", "12")
    with page.expect_navigation():
        page.click("#township-settings button[type=submit]")
    expect(page.locator("p.flash")).to_contain_text(words["saved"])
    expect(page.locator("#notice_days")).to_have_value("5")
    expect(page.locator("#objection_contact")).to_have_value("镇农办 0871-1234567")
    expect(page.locator("input[name=band_points_0]")).to_have_value("12")
    assert no_sideways_scroll(page)
    assert refused == []
