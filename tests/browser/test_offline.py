"""After one online visit the app opens offline from its service worker."""
from playwright.sync_api import expect

from tests.support.phone import sign_in, status, sync, wait_ready

UNREACHABLE = """async (url) => {
    try { await fetch(url, { cache: 'no-store' }); return 'reached'; }
    catch (e) { return 'unreachable'; }
}"""


def test_reload_offline_opens_from_the_service_worker(phone, live_server):
    page = phone
    sign_in(page, live_server.url)
    online_summary = page.inner_text("#assignment-summary")
    assert "19" in online_summary

    page.context.set_offline(True)
    live_server.stop()  # and the server is really gone, not only the network flag
    # neither the page nor the service worker (a cache miss goes to the network) gets through
    assert page.evaluate(UNREACHABLE, f"{live_server.url}/api/v1/sync/pull") == "unreachable"
    assert page.evaluate(UNREACHABLE, f"{live_server.url}/app/not-in-the-cache.txt") == "unreachable"

    page.reload()
    wait_ready(page)
    expect(page.locator("#assignment-summary")).to_have_text(online_summary)
    expect(page.locator("#assignments a.row")).to_have_count(19)
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    # a sync attempt offline says why it failed and loses nothing; the reload's own sync
    # failed already, so the card is read only once the tapped one is over
    sync(page)
    assert status(page)["error"]
