"""A new app version installs in the background and takes over only when the inspector
says so; nothing saved on the phone is touched."""
import shutil

import pytest

from tests.support.phone import go_to_criterion, local_inspections, sign_in, start_inspection, tap_plus, wait_ready
from tests.support.shell import PWA


@pytest.fixture
def pwa_copy(tmp_path, monkeypatch):
    """Serve a copy of pwa/ that the test can change, as a deployment would."""
    import server.web.phone_app as phone_app
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    monkeypatch.setattr(phone_app, "PWA_DIR", copy)
    return copy


def test_new_version_waits_for_the_user_and_keeps_drafts(phone, live_server, pwa_copy):
    page = phone
    sign_in(page, live_server.url)
    inspection_id = start_inspection(page)
    go_to_criterion(page, inspection_id, "roads")
    tap_plus(page, "roads.road_dirty", 2)
    page.fill("#note-roads", "路面泥泞")

    sw = pwa_copy / "sw.js"
    sw.write_text(sw.read_text(encoding="utf-8").replace('const VERSION = "', 'const VERSION = "next-'),
                  encoding="utf-8")
    zh = pwa_copy / "i18n" / "zh.json"
    zh.write_text(zh.read_text(encoding="utf-8").replace('"村庄环境检查"', '"村庄环境检查 新版"'),
                  encoding="utf-8")
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    page.wait_for_selector("#update-banner:not([hidden]) button")
    assert page.inner_text("#app-title") == "村庄环境检查"     # still the old version until asked

    page.click("#update-banner button")
    page.wait_for_function("document.querySelector('#app-title')?.textContent === '村庄环境检查 新版'")
    wait_ready(page)
    [draft] = local_inspections(page)
    assert draft["id"] == inspection_id and draft["local"]["state"] == "draft"
    assert draft["criteria"]["roads"]["deductions"]["road_dirty"] == 2
    assert draft["criteria"]["roads"]["note"] == "路面泥泞"
    caches = page.evaluate("caches.keys()")
    assert len(caches) == 1 and caches[0].startswith("shell-next-")
