"""The admin households page on a 360-px screen: no sideways scroll with a township's
households, a search by 户主, the next page, and an import previewed then confirmed."""
import random

import pytest
from playwright.sync_api import expect

from tests.support.web import sign_in_page

WORDS = {"zh": {"find": "查找", "next": "下一页", "check": "检查文件", "confirm": "确认导入",
                "new": "新增 1 户", "imported": "农户已导入"},
         "en": {"find": "Find", "next": "Next", "check": "Check the file",
                "confirm": "Import these changes", "new": "1 new households",
                "imported": "Households imported"}}


def seed_demo_households(app) -> str:
    """The demo's households (20–40 a group); the head of the first one."""
    from server.demo.households import add_households
    from server.extensions import db
    from server.models import Township
    with app.app_context():
        township = db.session.execute(db.select(Township)).scalar_one()
        households = add_households(township, random.Random(7))
        db.session.commit()
        return households[0].head


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_households_page_on_a_phone(live_server, small_screen, tmp_path, lang):
    page, words = small_screen, WORDS[lang]
    head = seed_demo_households(live_server.app)
    sign_in_page(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/?lang={lang}")
    with page.expect_navigation():
        page.click("#households-link")
    expect(page.locator("#households tbody tr")).to_have_count(50)
    assert no_sideways_scroll(page)

    page.fill("#household-filters input[name=q]", head)
    with page.expect_navigation():
        page.click(f"#household-filters button:has-text('{words['find']}')")
    expect(page.locator("#households tbody tr").first).to_contain_text(head)
    assert no_sideways_scroll(page)

    page.goto(f"{live_server.url}/admin/households")
    with page.expect_navigation():
        page.click(f".pager a:has-text('{words['next']}')")
    expect(page.locator("#households tbody tr")).to_have_count(50)
    assert no_sideways_scroll(page)

    upload = tmp_path / "households.csv"
    upload.write_text("village,group,number,head,members,active\n"
                      "曼贺村,曼贺一组,99-1,玉香南,3,1\n", encoding="utf-8")
    page.set_input_files("#households-import input[type=file]", str(upload))
    with page.expect_navigation():
        page.click(f"#households-import button:has-text('{words['check']}')")
    expect(page.locator("#import-preview")).to_contain_text(words["new"])
    assert no_sideways_scroll(page)
    with page.expect_navigation():
        page.click(f"#confirm-import:has-text('{words['confirm']}')")
    expect(page.locator("p.flash")).to_contain_text(words["imported"])
    page.fill("#household-filters input[name=q]", "99-1")
    with page.expect_navigation():
        page.click("#household-filters button[type=submit]")
    expect(page.locator("#households tbody tr")).to_have_count(1)
    expect(page.locator("#households tbody tr")).to_contain_text("玉香南")
