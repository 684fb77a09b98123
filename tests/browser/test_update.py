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
    zh = pwa_copy / "i18n" / "strings.json"
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


# An outbox as the app before schema 4 left it: the stores of versions 1 to 3, a submitted
# inspection not yet sent with its photo's bytes, and an assignment pulled.
OUTBOX_OF_SCHEMA_3 = """() => new Promise((resolve, reject) => {
    const request = indexedDB.open('inspection-collector', 3);
    request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore('meta');
        db.createObjectStore('ref', { keyPath: ['type', 'id'] }).createIndex('type', 'type');
        db.createObjectStore('inspections', { keyPath: 'id' });
        db.createObjectStore('blobs', { keyPath: 'sha256' }).createIndex('inspection_id', 'inspection_id');
        db.createObjectStore('comments', { keyPath: 'id' }).createIndex('inspection_id', 'inspection_id');
        db.createObjectStore('photo_reviews', { keyPath: 'photo_id' }).createIndex('inspection_id', 'inspection_id');
        db.createObjectStore('rechecks', { keyPath: 'id' });
        db.createObjectStore('before_photos', { keyPath: 'sha256' });
        db.createObjectStore('thumbs', { keyPath: 'sha256' }).createIndex('kept_at', 'kept_at');
    };
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction(['ref', 'inspections', 'blobs'], 'readwrite');
        tx.objectStore('ref').put({ type: 'assignment', id: '11', version: 5,
            data: { id: 11, round_id: 7, group_id: 3, user_id: 2, team_id: null } });
        tx.objectStore('inspections').put({ id: 'i-1', client_rev: 2, base_version: null, round_id: 7,
            group_id: 3, rubric_version: 1, status: 'submitted', started_at: '2026-11-05T09:00:00+08:00',
            finished_at: '2026-11-05T09:30:00+08:00', gps: null, criteria: {}, note: '路面泥泞',
            photos: [{ id: 'p-1', sha256: 'a'.repeat(64), size: 3 }],
            local: { state: 'submitted', sent_rev: 0, server_version: null, review_state: null, flags: [],
                     push_error: null, updated_at: '2026-11-05T09:30:00+08:00' } });
        tx.objectStore('blobs').put({ sha256: 'a'.repeat(64), inspection_id: 'i-1',
            bytes: new Uint8Array([1, 2, 3]).buffer, type: 'image/jpeg', size: 3 });
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
    };
})"""


def test_an_outbox_left_by_the_previous_schema_is_whole_after_the_update(phone, live_server):
    page = phone
    page.goto(f"{live_server.url}/healthz")        # the app's origin, before the app opens its database
    page.evaluate(OUTBOX_OF_SCHEMA_3)
    page.goto(f"{live_server.url}/app/")
    wait_ready(page)
    [record] = local_inspections(page)
    assert record["id"] == "i-1" and record["note"] == "路面泥泞" and record["local"]["sent_rev"] == 0
    waiting = page.evaluate("""async () => {
        const { summary } = await import('/app/outbox.js');
        const { myAssignments } = await import('/app/reference.js');
        const s = await summary();
        return { inspections: s.inspections, photos: s.photos, bytes: s.bytes,
                 assigned: (await myAssignments(7, 2)).map((a) => a.group_id) };
    }""")
    assert waiting == {"inspections": 1, "photos": 1, "bytes": 3, "assigned": [3]}
