"""A whole inspection recorded offline survives reloads and a browser restart, then syncs
byte-for-byte."""
from playwright.sync_api import expect

from tests.support import server_state
from tests.support.phone import (add_photo, confirm_submit, go_to_criterion, local_blobs,
                                 local_inspections, make_jpeg, sha256, sign_in, start_inspection,
                                 status, tap_plus, toggle, wait_ready, wait_synced)


def first_page(context):
    return context.pages[0] if context.pages else context.new_page()


def record_full_inspection(page) -> tuple[str, dict]:
    photos = {
        # a 12-megapixel camera shot lying on its side (EXIF orientation 6) with EXIF GPS
        "big": make_jpeg(4000, 3000, orientation=6, gps=(21.95, 100.45), noise=True, seed=1),
        "small": make_jpeg(1024, 768, seed=2),
        "gallery": make_jpeg(640, 480, seed=3),
        "road": make_jpeg(800, 600, seed=4),
    }
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "cleaning")
    toggle(page, "cleaning.no_cleaner")
    add_photo(page, "cleaning.no_cleaner", photos["small"])
    page.fill("#note-cleaning", "保洁员没有工具 / no tools")

    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins", 3)
    add_photo(page, "collection.bins", photos["big"], name="IMG_0001.jpg")
    tap_plus(page, "collection.litter")
    add_photo(page, "collection.litter", photos["gallery"], source="gallery")

    go_to_criterion(page, inspection_id, "toilets")
    page.locator("button.toggle[data-item='na']").tap()
    page.wait_for_selector("#criterion .items", state="detached")

    go_to_criterion(page, inspection_id, "roads")
    tap_plus(page, "roads.road_damaged")
    # submit refuses while a deduction has no photo, and says which one
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/10")
    page.fill("#note-overall", "总体较好")
    page.click("#submit-button")
    expect(page.locator("#missing li")).to_have_count(1)
    expect(page.locator("#toast")).to_be_visible()
    assert local_inspections(page)[0]["local"]["state"] == "draft"
    page.locator("#missing a").click()
    page.wait_for_selector("#criterion[data-criterion='roads']")
    add_photo(page, "roads.road_damaged", photos["road"])
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/10")
    page.wait_for_selector("#summary")
    expect(page.locator("#missing")).to_have_count(0)
    confirm_submit(page)
    return inspection_id, photos


def test_inspection_offline_survives_reload_and_restart_then_syncs(persistent_phone, live_server):
    context = persistent_phone()
    page = first_page(context)
    sign_in(page, live_server.url)
    context.set_offline(True)

    inspection_id, _ = record_full_inspection(page)
    [saved] = local_inspections(page)
    blobs = local_blobs(page)
    assert saved["local"]["state"] == "submitted" and saved["finished_at"]
    assert len(saved["photos"]) == 4 and set(blobs) == {p["sha256"] for p in saved["photos"]}
    assert all(sha256(data) == sha for sha, data in blobs.items())
    big = next(p for p in saved["photos"] if p["item"] == "bins")
    assert (big["width"], big["height"]) == (1200, 1600)       # EXIF orientation honoured, ≤ 1600 px
    assert next(p for p in saved["photos"] if p["item"] == "litter")["source"] == "gallery"
    assert saved["criteria"]["collection"]["deductions"]["bins"] == 3
    assert saved["criteria"]["toilets"]["na"] is True
    assert saved["gps"] and big["gps"]["accuracy_m"] > 0

    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#status")
    assert (status(page)["inspections"], status(page)["photos"]) == (1, 4)
    page.reload()
    wait_ready(page)
    assert local_inspections(page) == [saved] and local_blobs(page) == blobs

    # the phone's browser is closed and started again, still without a network
    context.close()
    context = persistent_phone(offline=True)
    page = first_page(context)
    page.goto(f"{live_server.url}/app/")
    wait_ready(page)
    page.wait_for_selector("#status")
    assert local_inspections(page) == [saved] and local_blobs(page) == blobs
    assert (status(page)["inspections"], status(page)["photos"]) == (1, 4)
    expect(page.locator(f"[data-inspection='{inspection_id}'] .badge")).to_have_attribute("data-state", "waiting")

    # back online: the `online` event starts a sync
    context.set_offline(False)
    page.wait_for_function("document.querySelector('#status')?.dataset.inspections === '0' && "
                           "document.querySelector('#status')?.dataset.photos === '0'", timeout=60000)
    wait_synced(page)
    final = status(page)
    assert final["line"] == "全部已上传，没有待发送的内容" and not final["error"]
    assert local_blobs(page) == {}                             # bytes deleted after the server confirmed

    on_server = server_state.inspections(live_server.app)[inspection_id]
    assert on_server["criteria"] == saved["criteria"] and on_server["note"] == "总体较好"
    assert {p["sha256"] for p in on_server["photos"]} == set(blobs)
    for sha, data in blobs.items():
        assert server_state.blob_bytes(live_server.app, sha) == data
