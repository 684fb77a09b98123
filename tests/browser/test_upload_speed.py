"""Photos at the speed of the link: several in flight at once, no check the push already
answered, progress exact across them, and a photo store that is down keeps the photos
for later."""
import hashlib

from playwright.sync_api import expect

from tests.support import server_state
from tests.support.phone import (local_blobs, make_jpeg, photo_progress, sign_in, status, submitted_with_photos,
                                 sync, wait_ready, watch_photo_progress)
from tests.support.uploads import UploadWatch

IN_FLIGHT = 3


def test_photos_go_several_at_once_without_a_check_after_the_push(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    watch = UploadWatch(live_server.app, together=IN_FLIGHT)
    photos = submitted_with_photos(page, [make_jpeg(1200, 900, noise=True, seed=s) for s in range(5)])
    total = sum(p["size"] for p in photos)
    watch_photo_progress(page)

    sync(page)
    assert status(page)["photos"] == 0 and not status(page)["error"]
    assert watch.most >= IN_FLIGHT
    # the push answered which photos the server lacks: no check, no HEAD, offsets from 0
    assert watch.count("POST", "/blobs/check") == 0 and watch.count("HEAD") == 0
    for p in photos:
        sent = [(offset, length) for sha, offset, length in watch.patches() if sha == p["sha256"]]
        assert sent[0][0] == 0 and sum(n for _, n in sent) == p["size"]
        assert hashlib.sha256(server_state.blob_bytes(live_server.app, p["sha256"])).hexdigest() == p["sha256"]
    assert local_blobs(page) == {}
    # bytes sent / bytes to send, across the parallel uploads: never back, never past, 100 % at the end
    progress = photo_progress(page)
    assert {t for _, t, _, _ in progress} == {total}
    done = [d for d, _, _, _ in progress]
    assert done == sorted(done) and progress[-1] == [total, total, len(photos), len(photos)]


def test_a_photo_store_that_is_down_keeps_the_photo_for_later(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    watch = UploadWatch(live_server.app)
    answers = [("3600", 503), ("1", 503)]      # down for an hour, then for a second, then up

    def photo_store(route):
        if route.request.method != "PATCH" or not answers:
            return route.continue_()
        retry_after, code = answers.pop(0)
        route.fulfill(status=code, headers={"Retry-After": retry_after}, content_type="application/json",
                      body='{"error": {"code": "store_unavailable", "message": "the photo store is down"}}')

    page.route("**/api/v1/blobs/**", photo_store)
    [photo] = submitted_with_photos(page, [make_jpeg(800, 600, noise=True, seed=3)])
    sync(page)
    card = status(page)
    assert card["photos"] == 1 and card["inspections"] == 0      # records went; the photo waits
    assert "照片服务器暂时不可用，稍后自动重试" in card["error"]
    assert list(local_blobs(page)) == [photo["sha256"]]

    # within the hour no photo is sent, but records still are
    sync(page)
    assert len(answers) == 1 and status(page)["photos"] == 1
    page.evaluate("async () => (await import('/app/session.js')).setMeta('lang', 'en')")
    page.reload()
    wait_ready(page)
    expect(page.locator("#sync-error")).to_contain_text("photo server unavailable, will retry")

    # the hour is over: the next try hears "one second", and the phone comes back by itself
    page.evaluate("async () => (await import('/app/session.js')).setMeta('photos_retry_at', null)")
    sync(page)
    assert not answers
    page.wait_for_function("document.querySelector('#status')?.dataset.photos === '0'", timeout=30000)
    assert watch.patches()[0][1] == 0
    assert hashlib.sha256(server_state.blob_bytes(live_server.app, photo["sha256"])).hexdigest() == photo["sha256"]
    sync(page)
    assert not status(page)["error"]
