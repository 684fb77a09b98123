"""A re-shot photo after approval (issue 20, item 5): on a 360-px phone the inspector
answers a re-shoot request of an approved inspection; it goes back to the supervisor's
queue, marked re-submitted, and the phone shows it waiting for review, no longer approved."""
from playwright.sync_api import expect

from tests.support import server_state
from tests.support.apiclient import ApiClient
from tests.support.phone import (add_photo, confirm_submit, make_jpeg, record_simple_inspection,
                                 sign_in, sync, wait_synced)
from tests.support.web import sign_in_page


def view(page, inspection_id: str):
    page.goto(page.url.split("#")[0] + f"#/view/{inspection_id}")
    page.wait_for_selector("#detail #review")


def test_a_reshot_photo_after_approval_is_back_in_review(phone, small_screen, live_server):
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url)
    inspection_id = record_simple_inspection(page, make_jpeg(1200, 900, seed=31))
    wait_synced(page)
    [photo] = server_state.inspections(live_server.app)[inspection_id]["photos"]
    supervisor = ApiClient(live_server.app.test_client()).as_user("supervisor1")
    assert supervisor.post(f"/photos/{photo['id']}/review",
                           json={"accepted": False, "reason": "模糊"}).status_code == 200
    assert supervisor.post(f"/inspections/{inspection_id}/review",
                           json={"state": "approved"}).status_code == 200

    sync(page)
    view(page, inspection_id)
    assert "已通过" in page.inner_text("#review")
    page.locator("#reshoots [data-reshoot]").click()          # the re-shoot request
    page.wait_for_selector("#criterion[data-criterion='collection']")
    add_photo(page, "collection.bins", make_jpeg(1200, 900, seed=32))
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/10")
    confirm_submit(page)
    wait_synced(page)
    sync(page)                                                # the review state comes back

    view(page, inspection_id)
    expect(page.locator("#detail")).to_have_attribute("data-state", "received")
    assert "已通过" not in page.inner_text("#review")
    expect(page.locator("#reshoots")).to_have_count(0)

    desk = small_screen
    sign_in_page(desk, live_server.url)
    for path, words in (("/review/", "重新提交"), ("/review/?lang=en", "Re-submitted")):
        desk.goto(f"{live_server.url}{path}")
        expect(desk.locator(f"[data-resubmitted='{inspection_id}']")).to_have_text(words)
    desk.goto(f"{live_server.url}/review/inspections/{inspection_id}")
    expect(desk.locator("#resubmitted [data-new-photo]")).to_have_count(1)
    expect(desk.locator("#resubmitted")).to_contain_text("Photo not reviewed")
