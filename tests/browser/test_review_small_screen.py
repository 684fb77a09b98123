"""The review pages on a 360-px screen, in both languages: a long unbroken note wraps,
and a reviewed photo shows its decision with "change" in place of the buttons."""
import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.factories import reference, with_photos
from tests.support.web import audit_actions, sign_in_page

WORDS = {"zh": {"rejected": "照片已驳回", "change": "修改审核结果"},
         "en": {"rejected": "Photo rejected", "change": "Change decision"}}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_page_fits_and_a_decided_photo_offers_change(live_server, small_screen, lang):
    app, page, words = live_server.app, small_screen, WORDS[lang]
    phone = ApiClient(app.test_client()).as_user("inspector1")
    ref = reference(phone)
    pushed = with_photos(phone, ref, ref["assigned"][0], {"collection": {"bins": 1}},
                         note="曼贺" + "x" * 6000)
    photo_id = pushed["photos"][0]["id"]
    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/inspections/{pushed['id']}?lang={lang}")
    expect(page.locator("dd.note")).to_contain_text("xxxx")
    assert page_width(page) <= 360

    card = page.locator(f"#photo-{photo_id}")
    card.locator("input[name=reason]").fill("模糊")
    with page.expect_navigation():
        card.locator("button[value=reject]").click()
    card = page.locator(f"#photo-{photo_id}")
    expect(card.locator(".decision")).to_contain_text(f"{words['rejected']}: 模糊")
    expect(card.locator("button[value=reject]")).to_be_hidden()
    expect(card.locator("button[value=accept]")).to_be_hidden()
    change = card.locator("summary", has_text=words["change"])
    box = change.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    change.click()
    card.locator("input[name=reason]").fill("模糊")           # the same decision again
    with page.expect_navigation():
        card.locator("button[value=reject]").click()
    expect(page.locator(f"#photo-{photo_id} .decision")).to_contain_text(words["rejected"])
    assert [a for a in audit_actions(app) if a[0] == "review_photo"] == [
        ("review_photo", photo_id, "模糊")]
    assert page_width(page) <= 360
