"""A group's points passbooks (积分存折) printed in Chromium: A4 sheets, one household to
a sheet in 户号 order, no navigation on paper, in both languages."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.household_rounds import household_round
from tests.support.ledger import deed, push_ledger, redeem
from tests.support.web import sign_in_page

A4_POINTS = (595, 842)     # a PDF page's size in points, as Chromium writes it


def pages_in(pdf: bytes) -> list[tuple[int, int]]:
    return [(round(float(w)), round(float(h))) for w, h in re.findall(
        rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]


@pytest.mark.parametrize("lang, title", [("zh", "积分存折"), ("en", "Points passbook")])
def test_a_groups_passbooks_print_one_household_to_an_a4_sheet(live_server, browser, lang,
                                                               title):
    app = live_server.app
    with app.app_context():
        made = household_round()
    phone = ApiClient(app.test_client()).as_user("inspector1")
    push_ledger(phone, deed(made.households["A01"]), redeem(made.households["A02"], ("皂", 1, 2)))
    page = browser.new_page()
    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/groups/{made.group_a}/passbooks?lang={lang}")
    books = page.locator("section.passbook")
    expect(books).to_have_count(5)                 # its five households, the inactive too
    expect(books.first.locator("h1")).to_have_text(title)
    expect(books.first.locator(".head")).to_have_text("王建国")
    page.emulate_media(media="print")
    expect(page.locator("body > nav")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pages_in(pdf) == [A4_POINTS] * 5
    page.close()
