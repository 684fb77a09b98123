"""The recheck review page at 360 px, in both languages (issue 20, item 6): the item
still open comes first, with its three choices; the items closed off already are folded
away until the supervisor opens them."""
from playwright.sync_api import expect

from tests.support.apiclient import ApiClient
from tests.support.factories import make_rectification, recheck, reference
from tests.support.web import sign_in_page

DEDUCTIONS = {"collection": {"bins": 2}, "roads": {"road_dirty": 1},
              "toilets": {"open_pit": 1}}


def test_open_item_first_closed_ones_folded(small_screen, live_server):
    app = live_server.app
    inspector = ApiClient(app.test_client()).as_user("inspector1")
    supervisor = ApiClient(app.test_client()).as_user("supervisor1")
    rectification = make_rectification(app, inspector, reference(inspector),
                                       deductions=DEDUCTIONS)
    *closed, open_key = rectification["keys"]
    first = recheck(rectification)
    inspector.push_rechecks(first)
    assert supervisor.post(f"/rechecks/{first['id']}/review",
                           json={"items": {key: "closed" for key in closed}}).status_code == 200
    second = recheck(rectification, items={open_key: {"fixed": True, "note": ""}})
    inspector.push_rechecks(second)

    page = small_screen
    sign_in_page(page, live_server.url)
    for lang, summary in (("zh", "已销号的 2 项"), ("en", "2 items already closed off")):
        page.goto(f"{live_server.url}/review/rechecks/{second['id']}?lang={lang}")
        sections = page.locator("form.actions section.criterion")
        expect(sections.first).to_have_attribute("id", f"item-{open_key}")
        expect(page.locator(f"[id='item-{open_key}'] input[type=radio]")).to_have_count(3)
        expect(page.locator("#closed-items > summary")).to_have_text(summary)
        for key in closed:
            expect(page.locator(f"[id='item-{key}']")).to_be_hidden()
        page.click("#closed-items > summary")
        for key in closed:
            expect(page.locator(f"[id='item-{key}']")).to_be_visible()
            expect(page.locator(f"[id='item-{key}'] input[value=closed]")).to_have_count(0)
