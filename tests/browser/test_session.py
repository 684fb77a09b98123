"""Storage persistence is asked for and shown; a 401 never costs the phone its data;
a full disk while saving a photo loses nothing else and says why."""
from playwright.sync_api import expect

from tests.support import server_state
from tests.support.phone import (PASSWORD, add_photo, go_to_criterion, local_inspections, make_jpeg, photo_file,
                    record_simple_inspection, sign_in, start_inspection, status, tap_plus,
                    wait_synced)


def test_storage_persistence_is_requested_and_shown(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    page.wait_for_selector("#storage-persist")
    granted = page.evaluate("navigator.storage.persisted()")
    expect(page.locator("#storage-persist")).to_have_attribute("data-persisted", str(granted).lower())


def test_revoked_token_keeps_local_data_and_sync_resumes_after_signing_in(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    token = page.evaluate("async () => (await import('/app/session.js')).getMeta('token')")
    revoke = live_server.app.test_client().delete("/api/v1/auth/token",
                                                  headers={"Authorization": f"Bearer {token}"})
    assert revoke.status_code in (200, 204)

    inspection_id = record_simple_inspection(page, make_jpeg(800, 600, seed=41))
    wait_synced(page)
    page.wait_for_selector("#auth-banner:not([hidden])")
    page.goto(page.url.split("#")[0] + "#/")
    card = status(page)
    assert card["inspections"] == 1 and card["photos"] == 1
    assert card["error"]
    assert [r["id"] for r in local_inspections(page)] == [inspection_id]

    page.click("#auth-banner a")
    page.wait_for_selector("#password")
    assert page.input_value("#username") == "inspector1"
    page.fill("#password", PASSWORD)
    page.click("#signin-button")
    page.wait_for_selector("#assignment-summary")
    wait_synced(page)
    expect(page.locator("#auth-banner")).to_be_hidden()
    assert (status(page)["inspections"], status(page)["photos"]) == (0, 0)
    assert inspection_id in server_state.inspections(live_server.app)


FILL_THE_DISK = """(full) => {
    // Chromium gives no way to shrink a profile's quota once persistence is granted, so the
    // browser's own error is raised where IndexedDB would raise it: storing photo bytes
    if (!window.__realPut) window.__realPut = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
        if (full && this.name === 'blobs') throw new DOMException('disk full', 'QuotaExceededError');
        return window.__realPut.apply(this, args);
    };
}"""


def test_full_storage_while_saving_a_photo_keeps_everything_else(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins", 2)
    page.fill("#note-collection", "三个垃圾桶满了")
    page.evaluate(FILL_THE_DISK, True)
    page.locator("li.item[data-item='collection.bins'] input[data-photo-input='camera']").set_input_files(
        photo_file(make_jpeg(1200, 900, seed=42), "big.jpg"))
    page.wait_for_function("document.querySelector('.photo-status')?.textContent.includes('存储已满')")
    expect(page.locator("#toast.error")).to_be_visible()
    [record] = local_inspections(page)
    assert record["photos"] == []
    assert record["criteria"]["collection"]["deductions"]["bins"] == 2
    assert record["criteria"]["collection"]["note"] == "三个垃圾桶满了"
    expect(page.locator("li.item[data-item='collection.bins'] .need-photo")).to_be_visible()

    page.evaluate(FILL_THE_DISK, False)
    add_photo(page, "collection.bins", make_jpeg(800, 600, seed=43))
    assert len(local_inspections(page)[0]["photos"]) == 1


# Asks geo.js for a position and tells whether its answer came with the browser's refusal,
# in the same task (a zero-delay timer set at the refusal has not run yet), rather than
# from a timer of geo.js's own, after a wait.
ASK_FOR_A_POSITION = """async () => {
    const geolocation = navigator.geolocation;
    const ask = geolocation.getCurrentPosition.bind(geolocation);
    let refusal = null, refusalTaskOver = false;
    geolocation.getCurrentPosition = (found, failed, options) => ask(found, (error) => {
        refusal = error.code;
        setTimeout(() => { refusalTaskOver = true; }, 0);
        failed(error);
    }, options);
    try {
        const { currentPosition } = await import('/app/geo.js');
        const position = await currentPosition({ timeoutMs: 300 });
        return { position, refusal, answered_with_the_refusal: refusal !== null && !refusalTaskOver };
    } finally {
        delete geolocation.getCurrentPosition;
    }
}"""
PERMISSION_DENIED = 1  # GeolocationPositionError.PERMISSION_DENIED


def test_without_gps_nothing_waits_and_photos_are_kept_without_a_position(phone_without_gps, live_server):
    page = phone_without_gps
    sign_in(page, live_server.url)
    # no position, answered by the browser's refusal: nothing waited for a timeout
    assert page.evaluate(ASK_FOR_A_POSITION) == {
        "position": None, "refusal": PERMISSION_DENIED, "answered_with_the_refusal": True}
    record_simple_inspection(page, make_jpeg(800, 600, seed=51))
    [record] = local_inspections(page)
    assert record["gps"] is None and record["photos"][0]["gps"] is None
