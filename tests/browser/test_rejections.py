"""What the server refuses or the supervisor rejects reaches the inspector, and nothing is lost."""
from playwright.sync_api import expect

from tests.support import server_state
from tests.support.apiclient import ApiClient
from tests.support.phone import (add_photo, confirm_submit, go_to_criterion, local_inspections,
                                 make_jpeg, record_simple_inspection, sign_in, start_inspection,
                                 status, store_overall_note, sync, tap_plus, wait_synced)


def test_rejected_push_is_shown_with_the_field_error_and_kept(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "roads")
    tap_plus(page, "roads.road_blocked")
    add_photo(page, "roads.road_blocked", make_jpeg(800, 600, seed=11))
    store_overall_note(page, inspection_id, "长" * 10_001)   # the server allows at most 10,000 characters
    confirm_submit(page)
    wait_synced(page)
    page.reload()
    page.wait_for_selector("#push-errors")
    assert "note" in page.inner_text("#push-errors")
    assert page.locator("#detail").get_attribute("data-state") == "push_rejected"
    assert inspection_id not in server_state.inspections(live_server.app)

    page.goto(page.url.split("#")[0] + "#/")
    card = status(page)
    assert card["inspections"] == 1
    assert len(card["errors"]) >= 1                                 # "1 inspection not accepted…"
    [kept] = local_inspections(page)
    assert kept["note"] == "长" * 10_001 and kept["local"]["push_error"]["errors"]

    # the inspector shortens the note and submits again: accepted
    page.goto(page.url.split("#")[0] + f"#/view/{inspection_id}")
    page.click("#edit-button")
    page.wait_for_selector("#criterion")
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/10")
    page.fill("#note-overall", "路上堆放建材")
    confirm_submit(page)
    wait_synced(page)
    assert server_state.inspections(live_server.app)[inspection_id]["note"] == "路上堆放建材"
    page.goto(page.url.split("#")[0] + "#/")
    assert status(page)["inspections"] == 0 and status(page)["photos"] == 0


def test_supervisor_rejection_and_comment_reach_the_phone_and_reshoot_is_answered(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    inspection_id = record_simple_inspection(page, make_jpeg(1200, 900, seed=21))
    wait_synced(page)
    [photo] = server_state.inspections(live_server.app)[inspection_id]["photos"]

    supervisor = ApiClient(live_server.app.test_client()).as_user("supervisor1")
    answer = supervisor.post(f"/photos/{photo['id']}/review", json={"accepted": False, "reason": "照片模糊 blurry"})
    assert answer.status_code == 200, answer.get_json()
    answer = supervisor.post(f"/inspections/{inspection_id}/review",
                             json={"state": "rejected", "comment": "请补拍垃圾桶 <b>now</b>"})
    assert answer.status_code == 200, answer.get_json()

    sync(page)
    page.goto(page.url.split("#")[0] + f"#/view/{inspection_id}")
    page.wait_for_selector("#comments")
    assert "请补拍垃圾桶 <b>now</b>" in page.inner_text("#comments")   # shown as text, not markup
    assert "未通过" in page.inner_text("#review")                     # "rejected"
    assert "照片模糊 blurry" in page.inner_text("#detail")
    assert page.locator("#reshoots [data-reshoot]").count() == 1
    # the phone deleted its copy after upload; the rejected photo comes back as the server's thumbnail
    page.wait_for_selector(f"#detail figure.thumb.rejected[data-photo='{photo['id']}'] img")

    # the re-shoot: a new photo for the same deduction, pushed on top of the server's version
    before = local_inspections(page)[0]
    page.locator("#reshoots [data-reshoot]").click()
    page.wait_for_selector("#criterion[data-criterion='collection']")
    add_photo(page, "collection.bins", make_jpeg(1200, 900, seed=22))
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/10")
    confirm_submit(page)
    wait_synced(page)
    after = local_inspections(page)[0]
    assert after["client_rev"] > before["client_rev"]
    on_server = server_state.inspections(live_server.app)[inspection_id]
    assert len(on_server["photos"]) == 2
    page.reload()
    page.wait_for_selector("#detail")
    expect(page.locator("#reshoots")).to_have_count(0)
