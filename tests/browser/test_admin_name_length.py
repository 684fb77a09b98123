"""What a tester did on a 360-px screen: pasted a 300-character round name into the
new-round form. The round was saved with its first 100 characters and not a word said
(the field's maxlength had the browser drop the rest). One rule: refused, the message
naming the field in the page's language, the name kept as typed to be shortened. And
the sign-in page asks for nothing that is not there (its icon)."""
import pytest
from playwright.sync_api import expect

from server.i18n import CATALOGUES
from tests.support.web import sign_in_page

TYPED = "十二月人居环境大比武" * 30                      # 300 characters


def round_names(app) -> list[str]:
    from server.extensions import db
    from server.models import Round
    with app.app_context():
        return db.session.execute(db.select(Round.name).order_by(Round.id)).scalars().all()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_300_character_round_name_is_refused_not_cut(live_server, small_screen, lang):
    app, page, words = live_server.app, small_screen, CATALOGUES[lang]
    before = round_names(app)
    sign_in_page(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/rounds/new?lang={lang}")
    page.fill("input[name=name]", TYPED)
    assert page.input_value("input[name=name]") == TYPED         # nothing dropped on typing
    page.fill("input[name=starts_on]", "2031-03-01")
    page.fill("input[name=ends_on]", "2031-03-28")
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    alert = page.locator("[role=alert]")
    expect(alert).to_contain_text(
        f"{words['admin.field.name']}: {words['problem.too_long'].format(max=100)}")
    expect(page.locator("input[name=name]")).to_have_value(TYPED)
    assert round_names(app) == before
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_sign_in_page_asks_for_no_missing_file(live_server, small_screen):
    page, missing = small_screen, []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server.url}/login")
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_count(1)
    href = icon.get_attribute("href")
    assert page.request.get(f"{live_server.url}{href}").status == 200
    page.wait_for_load_state("load")
    assert missing == []
