"""The recheck review page fits a 360-px screen in both languages, with the "before"
photos beside no "after" photo: a photo's width never pushes its column wider than the
screen."""
import pytest
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.factories import make_rectification, recheck, reference
from tests.support.web import sign_in_page

HEADINGS = {"zh": "整改前", "en": "Before"}


def wider_than_screen(page) -> list:
    """The elements reaching past 360 px, named, so a failure says which."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > 360)
      .map((e) => `${e.tagName}.${e.className} ${(e.textContent || '').slice(0, 40)}`)""")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_recheck_review_with_a_before_photo_fits(small_screen, live_server, lang):
    app, page = live_server.app, small_screen
    inspector = ApiClient(app.test_client()).as_user("inspector1")
    rectification = make_rectification(app, inspector, reference(inspector))
    pushed = recheck(rectification)
    inspector.push_rechecks(pushed)

    sign_in_page(page, live_server.url)
    page.goto(f"{live_server.url}/review/rechecks/{pushed['id']}?lang={lang}")
    first = page.locator("form.actions section.criterion").first
    expect(first.locator(".before-after h4").first).to_have_text(HEADINGS[lang])
    expect(first.locator(".before-after img").first).to_be_visible()
    page.wait_for_function("document.querySelector('.before-after img').complete")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wider_than_screen(page)

