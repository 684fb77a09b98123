"""Real Chromium (Debian's, found here) driving the PWA against a live Flask server."""
import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.support.phone import TEST_CONTEXT, page_of_size

playwright_api = pytest.importorskip("playwright.sync_api")
# expect() retries until its state is there; its 5 s default is short on a loaded machine
playwright_api.expect.set_options(timeout=30000)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# a point in Menghai County, Yunnan, for the emulated GPS
MENGHAI = {"latitude": 21.957, "longitude": 100.452, "accuracy": 12}


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")]
    return next((c for c in candidates if c and Path(c).exists()), None)


class LiveServer:
    """The real app on a free loopback port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server
        self.app = app
        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    def stop(self):
        if self.running:
            self.running = False
            self.httpd.shutdown()
            self.httpd.server_close()


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set CHROMIUM=/path)")
    return path


@pytest.fixture(scope="session")
def pw():
    with playwright_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(pw, chromium_path):
    browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=ARGS)
    yield browser
    browser.close()


def phone_options(pw) -> dict:
    device = dict(pw.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    return {**device, "geolocation": MENGHAI, "permissions": ["geolocation"],
            "accept_downloads": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def live_server(tmp_path, seeded_databases):
    from server.extensions import db
    from tests.support.apps import make_app
    seeded_databases.sqlite_copy(tmp_path / "server")
    app = make_app(tmp_path / "server", seed="bare", prepared=True)
    server = LiveServer(app)
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def new_phone_context(browser, options: dict):
    """A fresh phone context, sharing nothing (storage, service worker, cookies) with any other."""
    context = browser.new_context(**options, **TEST_CONTEXT)
    context.set_default_timeout(30000)
    return context


@pytest.fixture
def phone(browser, pw):
    """A fresh phone-sized, touch context; yields its first page."""
    context = new_phone_context(browser, phone_options(pw))
    yield context.new_page()
    context.close()


@pytest.fixture
def small_screen(browser):
    """A 360-px-wide browser page (review and admin pages as a phone shows them)."""
    yield from page_of_size(browser, 360, 740)


@pytest.fixture
def phone_without_gps(browser, pw):
    """The same phone, but the site may not ask for its position."""
    options = {k: v for k, v in phone_options(pw).items() if k not in ("geolocation", "permissions")}
    context = new_phone_context(browser, options)
    yield context.new_page()
    context.close()


@pytest.fixture
def persistent_phone(pw, chromium_path, tmp_path):
    """Opens a phone whose profile (IndexedDB, service worker, caches) lives in tmp_path,
    so closing and reopening it is like restarting the phone's browser."""
    opened = []

    def open_phone(offline=False):
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium_path, headless=True, args=ARGS,
            offline=offline, **phone_options(pw), **TEST_CONTEXT)
        context.set_default_timeout(30000)
        opened.append(context)
        return context

    yield open_phone
    for context in opened:
        try:
            context.close()
        except Exception:
            pass
