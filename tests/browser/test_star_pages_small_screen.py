"""Star ratings in Chromium on a 360-px phone, in Chinese and English, under the
Content-Security-Policy: a supervisor previews the chosen round, starts the notice,
records an objection and is asked before finalizing; the public board then reads the
rating by village and group without sideways scrolling, each household's stars and a
village's or group's name kept on one line."""
import pytest

from tests.support.layout import wrapped
from tests.support.phone import page_of_size
from tests.support.star_ratings import published_household_round, set_township
from tests.support.web import answer_next_dialog, sign_in_page

# Runs before any page script: every policy violation is kept.
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));"""


@pytest.fixture
def phone_page(browser):
    for page in page_of_size(browser, 360, 740):
        page.context.add_init_script(WATCH)
        yield page


def fits(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang, words", [
    ("zh", {"start": "开始公示", "record": "登记", "state": "公示中", "finalize": "定级",
            "asked": "确定定级", "open": "还有异议未处理"}),
    ("en", {"start": "Start the public notice", "record": "Record", "state": "In notice",
            "finalize": "Finalize", "asked": "Finalize this rating",
            "open": "Some objections are not decided yet"})])
def test_a_supervisor_starts_a_notice_and_the_board_shows_it(live_server, phone_page, lang,
                                                              words):
    made = published_household_round(live_server.app, extra=30)
    set_township(live_server.app, notice_days=0, objection_contact="镇综治办 0691-5123456")
    page = phone_page
    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/stars?lang={lang}")
    page.check(f"input[name=rounds][value='{made.round_id}']")
    with page.expect_navigation():
        page.click("#preview")
    assert page.locator("table.star-households tr[data-household]").count() == 34
    assert fits(page)
    page.fill("#start-notice input[name=name]", "2026年度星级文明户评定（曼贺村、曼短村联合公示名单）")
    with page.expect_navigation():
        page.get_by_role("button", name=words["start"]).click()
    assert words["state"] in page.locator("#rating-state").inner_text()
    assert fits(page)
    # an objection recorded from the phone
    form = page.locator("#record-objection")
    form.locator("select[name=group]").select_option(str(made.group_a))
    form.locator("input[name=number]").fill("01")
    form.locator("textarea[name=text]").fill("我家一直保持整洁")
    with page.expect_navigation():
        form.get_by_role("button", name=words["record"]).click()
    assert page.locator("tr[data-objection]").count() == 1
    # finalizing asks first; with the objection open it is refused in words
    asked = answer_next_dialog(page, accept=True)
    with page.expect_navigation():
        page.click("#finalize")
    assert words["asked"] in asked[0]
    assert words["open"] in page.locator("ul.errors").inner_text()
    assert fits(page)
    assert page.evaluate("window.__violations") == []

    page.goto(f"{live_server.url}/board/?lang={lang}")
    assert "0691-5123456" in page.locator("article.stars").inner_text()
    with page.expect_navigation():
        page.click("article.stars a")
    assert page.locator("table.board-stars tbody tr").count() == 33
    assert fits(page)
    assert wrapped(page, "table.board-stars td.level .star-glyphs") == []
    assert wrapped(page, "table.board-stars td.number") == []
    assert wrapped(page, ".star-village .place-name") == []
    assert page.evaluate("window.__violations") == []
