"""After one online visit the app opens offline from its service worker."""
from tests.support.phone import sign_in, status, wait_ready

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
    page.wait_for_selector("#assignment-summary")
    assert page.inner_text("#assignment-summary") == online_summary
    assert page.locator("#assignments a.row").count() == 19
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    # a sync attempt offline says why it failed and loses nothing
    page.click("#sync-button")
    page.wait_for_selector("#sync-error")
    assert status(page)["error"]
