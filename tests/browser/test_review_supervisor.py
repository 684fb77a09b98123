"""A supervisor in Chromium: reviews an inspection with photos, the ranking follows,
publishes, and the poster renders for print."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.factories import close_round, inspection, reference, with_photos
from tests.support.phone import TEST_CONTEXT


@pytest.fixture
def desk(browser):
    """A desktop-sized Chinese browser context."""
    context = browser.new_context(**TEST_CONTEXT, viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(30000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def round_data(live_server):
    """Inspector 1 scored two groups; the first deduction of group A has a photo each."""
    phone = ApiClient(live_server.app.test_client()).as_user("inspector1")
    ref = reference(phone)
    a, b = ref["assigned"][:2]
    first = with_photos(phone, ref, a, {"collection": {"bins": 2}, "toilets": {"open_pit": 1}})
    phone.push(inspection(ref["round"]["id"], b, deductions={"roads": {"road_dirty": 4}}))
    return {"round_id": ref["round"]["id"], "inspection": first, "group": a}


def group_score(page, group_id) -> str:
    """The group's score in the table of every group (the last table on the page)."""
    return page.locator("table.rankings").last.locator(
        f"tr[data-group='{group_id}'] a.score").inner_text()


def test_supervisor_reviews_ranks_publishes_and_prints(live_server, desk, round_data):
    page, base = desk, live_server.url
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "supervisor1")
    page.fill("input[name=password]", "demo1234")
    page.click("form.login button[type=submit]")
    page.wait_for_url(re.compile(r".*/review/$"))

    page.goto(f"{base}/review/rounds/{round_data['round_id']}/rankings")
    # R = 95 (bins −2, open pit −3), B = 96; WR = (95 + 2 × 95.5) / 3
    assert group_score(page, round_data["group"]) == "95.3"

    page.goto(f"{base}/review/")
    page.click(f"a[href='/review/inspections/{round_data['inspection']['id']}']")
    page.wait_for_url(f"**/review/inspections/{round_data['inspection']['id']}")
    images = page.locator("figure.photo img")
    expect(images).to_have_count(2)
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.photo img')]"
        ".every(img => img.complete && img.naturalWidth > 0)")
    widths = images.evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 0 for w in widths)

    bins_photo = next(p for p in round_data["inspection"]["photos"] if p["item"] == "bins")
    card = page.locator(f"#photo-{bins_photo['id']}")
    card.locator("input[name=reason]").fill("照片里不是垃圾桶")
    card.locator("button[value=reject]").click()
    page.wait_for_selector("text=照片均被驳回，此项扣分作废")
    expect(page.locator("#total-score")).to_have_text("97.0")

    page.fill("#comment", "垃圾桶照片需补拍")
    page.click("button[value=has_issues]")
    page.wait_for_selector("#review-state:has-text('有问题')")
    page.wait_for_load_state()                # the answer's page, read whole
    assert "垃圾桶照片需补拍" in page.content()

    page.goto(f"{base}/review/rounds/{round_data['round_id']}/rankings")
    assert group_score(page, round_data["group"]) == "96.7"   # (97 + 2 × 96.5) / 3
    assert page.locator("svg.trend").count() >= 2
    close_round(live_server.app, round_data["round_id"])   # only a closed round is published
    page.reload()
    page.click("#publish")
    page.click("#confirm-publish")                 # publishing asks first, on its own page
    page.wait_for_selector("text=已发布新的红黑榜版本")

    page.goto(f"{base}/board/")
    assert page.locator("article.board").count() == 1
    page.click("text=打印 A3")
    page.wait_for_url(re.compile(r"size=a3"))     # and loaded: every count below is of the whole poster
    page.wait_for_selector("h1:has-text('农村人居环境整治红黑榜')")
    expect(page.locator("section.list.red tbody tr")).not_to_have_count(0)
    assert page.locator("img").count() == 0
    expect(page.locator("footer .no-print")).to_have_count(1)
    page.emulate_media(media="print")
    expect(page.locator("footer .no-print")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
