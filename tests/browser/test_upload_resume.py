"""A photo upload cut mid-way resumes from the server's offset: finished chunks are not
re-sent, and the next chunks are smaller."""
from tests.support import server_state
from tests.support.phone import (add_photo, go_to_criterion, local_blobs, make_jpeg, sign_in, start_inspection,
                                 status, submit, sync, tap_plus, wait_synced)
from tests.support.uploads import UploadWatch

CHUNK = 256 * 1024


def test_cut_upload_resumes_without_resending_finished_chunks(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    watch = UploadWatch(live_server.app)
    patches = 0

    def cut_second_chunk(route):
        nonlocal patches
        if route.request.method != "PATCH":
            return route.continue_()
        patches += 1
        if patches == 2:
            route.fetch()                      # the server receives and keeps this chunk,
            return route.abort("connectionreset")  # but the connection drops before the answer
        route.continue_()

    page.route("**/api/v1/blobs/**", cut_second_chunk)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins")
    add_photo(page, "collection.bins", make_jpeg(4000, 3000, noise=True, seed=7))
    [(sha, data)] = local_blobs(page).items()
    assert len(data) > 4 * CHUNK, f"photo too small for this test: {len(data)} bytes"

    submit(page, inspection_id)                # submitting starts a sync
    wait_synced(page)
    page.goto(page.url.split("#")[0] + "#/")
    page.wait_for_selector("#sync-error")
    assert status(page)["photos"] == 1         # the photo is still waiting, and the user sees why
    # the push said the photo is missing: no check, the first chunk at 0; the next one is
    # twice as big when the first went through within a second (a loaded machine may
    # take longer, and the size then stays)
    assert watch.count("POST", "/blobs/check") == 0
    (_, first, first_size), (_, second, second_size) = watch.patches()
    assert (first, first_size, second) == (0, CHUNK, CHUNK)
    assert second_size in (CHUNK, 2 * CHUNK)

    sync(page)
    assert status(page)["photos"] == 0 and not status(page)["error"]
    resumed = watch.patches()[2:]
    assert watch.count("HEAD") == 1            # the server says where its bytes end
    # the cut chunk reached the server: nothing is sent twice, and after the failure the
    # chunks are half the size of the one that was cut
    assert resumed[0] == (sha, CHUNK + second_size, second_size // 2)
    sent = [(offset, length) for _, offset, length in watch.patches()]
    assert all(a + n == b for (a, n), (b, _) in zip(sent, sent[1:]))
    assert sum(n for _, n in sent) == len(data)
    assert server_state.blob_bytes(live_server.app, sha) == data
    assert local_blobs(page) == {}
