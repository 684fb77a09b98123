"""A photo upload cut mid-way resumes from the server's offset: finished chunks are not re-sent."""
import math

from tests.support import server_state
from tests.support.phone import (add_photo, go_to_criterion, local_blobs, make_jpeg, sign_in, start_inspection,
                    status, submit, sync, tap_plus, wait_synced)

CHUNK = 256 * 1024


def test_cut_upload_resumes_without_resending_finished_chunks(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    sent_offsets = []

    def cut_second_chunk(route):
        request = route.request
        if request.method != "PATCH":
            return route.continue_()
        sent_offsets.append(int(request.headers["upload-offset"]))
        if len(sent_offsets) == 2:
            route.fetch()                      # the server receives and keeps this chunk,
            return route.abort("connectionreset")  # but the connection drops before the answer
        route.continue_()

    page.route("**/api/v1/blobs/**", cut_second_chunk)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins")
    add_photo(page, "collection.bins", make_jpeg(4000, 3000, noise=True, seed=7))
    [blob] = local_blobs(page).items()
    sha, data = blob
    chunks = math.ceil(len(data) / CHUNK)
    assert chunks >= 3, f"photo too small for this test: {len(data)} bytes"

    submit(page, inspection_id)                # submitting starts a sync
    wait_synced(page)
    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#sync-error")
    assert status(page)["photos"] == 1         # the photo is still waiting, and the user sees why
    assert sent_offsets == [0, CHUNK]

    sync(page)
    assert status(page)["photos"] == 0 and not status(page)["error"]
    assert sent_offsets == [i * CHUNK for i in range(chunks)]   # each chunk exactly once
    assert server_state.blob_bytes(live_server.app, sha) == data
    assert local_blobs(page) == {}
