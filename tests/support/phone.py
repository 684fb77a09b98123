"""Driving the phone app: sign in, record an inspection, read its IndexedDB; test photos."""
import base64
import hashlib
import io
import random

from PIL import Image
from playwright.sync_api import expect

# Playwright's wait_for_function evaluates its predicate from a string, which the app's
# Content-Security-Policy rightly forbids ('unsafe-eval'); the tests' contexts bypass it,
# and test_content_policy.py checks the policy itself in a context that does not.
TEST_CONTEXT = {"bypass_csp": True}

PASSWORD = "demo1234"


def make_jpeg(width: int, height: int, *, orientation: int | None = None, gps: tuple | None = None,
              noise: bool = False, seed: int = 0, quality: int = 90) -> bytes:
    """A real JPEG: smooth stripes, or noise (big after compression); optional EXIF."""
    rng = random.Random(seed)
    if noise:
        small = Image.frombytes("RGB", (width // 4, height // 4), rng.randbytes(width // 4 * (height // 4) * 3))
        image = small.resize((width, height), Image.Resampling.NEAREST)
    else:
        image = Image.new("RGB", (width, height), (rng.randrange(256), 120, 60))
        step = max(1, height // 8)
        for y in range(0, height, step * 2):
            image.paste((30, 90, rng.randrange(256)), (0, y, width, min(height, y + step)))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        lat, lon = gps
        exif[0x8825] = {1: "N" if lat >= 0 else "S", 2: (abs(lat), 0.0, 0.0),
                        3: "E" if lon >= 0 else "W", 4: (abs(lon), 0.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes() if (orientation or gps) else b"")
    return out.getvalue()


def photo_file(data: bytes, name: str) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def wait_ready(page):
    page.wait_for_selector("body[data-ready='1']")


# the groups assigned to the signed-in inspector in the open round, as the phone holds them
ASSIGNED_ON_PHONE = """async () => {
    const { getSession } = await import('/app/session.js');
    const { openRound, myAssignments } = await import('/app/reference.js');
    const [session, round] = await Promise.all([getSession(), openRound()]);
    return session && round ? (await myAssignments(round.id, session.user.id)).length : 0;
}"""


def submit_sign_in(page, base_url: str, username: str = "inspector1", lang: str | None = None):
    """Open the app, in `lang` if given, and send the sign-in form (nothing waited for)."""
    page.goto(f"{base_url}/app/")
    wait_ready(page)
    if lang:
        switch_language(page, lang)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#signin-button")


def sign_in(page, base_url: str, username: str = "inspector1"):
    """Sign in and wait for the first sync, the home screen showing what it pulled, and the
    service worker in control."""
    submit_sign_in(page, base_url, username)
    page.wait_for_selector("#assignment-summary")
    wait_synced(page)
    # a home screen drawn while the pull was being stored lists part of it (or no round yet):
    # wait for one that lists every assignment the phone now holds
    assigned = page.evaluate(ASSIGNED_ON_PHONE)
    assert assigned, f"{username} has no assignment in the open round"
    expect(page.locator("#assignments a.row")).to_have_count(assigned)
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def switch_language(page, lang: str):
    """The app in "zh" or "en", by its language button (a no-op when it is so already)."""
    if page.get_attribute("html", "lang") != {"zh": "zh-CN", "en": "en"}[lang]:
        page.click("#lang-toggle")
        page.wait_for_selector(f"html[lang='{'zh-CN' if lang == 'zh' else 'en'}']")


def wait_synced(page, timeout=30000):
    """Wait until no sync is running and the status card, if shown, is painted for that."""
    page.wait_for_function("""() => {
        const box = document.querySelector('#status');
        return document.documentElement.dataset.sync !== 'running' && (!box || box.dataset.running === '0');
    }""", timeout=timeout)


# Read in one go once no sync runs and the card is painted: read piece by piece, a card
# repainted in between (a sync starting or ending, the screen drawn again) mixes two moments.
STATUS = """() => {
    const box = document.querySelector('#status');
    if (document.documentElement.dataset.sync === 'running' || box?.dataset.running !== '0') return null;
    const text = (selector) => box.querySelector(selector)?.innerText ?? '';
    return { inspections: Number(box.dataset.inspections), rechecks: Number(box.dataset.rechecks),
             photos: Number(box.dataset.photos),
             line: text('#status-line'), error: text('#sync-error'),
             errors: [...box.querySelectorAll('.error')].map((el) => el.innerText) };
}"""


def status(page) -> dict:
    """The home screen's status card: what waits to be sent (inspections, rechecks, photos),
    the status line, the last sync's error ('' if none) and every error line shown."""
    return page.wait_for_function(STATUS).json_value()


# how many syncs have begun in this document since the first call (installs the counter)
SYNCS_BEGUN = """async () => {
    if (window.__syncsBegun === undefined) {
        window.__syncsBegun = 0;
        const { sync } = await import('/app/app.js');
        sync.addEventListener('progress', (e) => {
            if (e.detail.running && e.detail.phase === 'start') window.__syncsBegun += 1;
        });
    }
    return window.__syncsBegun;
}"""


def sync(page):
    """Tap "sync now" on the home screen and wait until a sync begun after the tap has ended
    (not an earlier one that happened to be finishing)."""
    page.goto(page.url.split("#")[0] + "#/")
    wait_synced(page)
    begun = page.evaluate(SYNCS_BEGUN)
    page.click("#sync-button:not([disabled])")
    page.wait_for_function("(begun) => window.__syncsBegun > begun", arg=begun)
    wait_synced(page)


def local_inspections(page) -> list:
    return page.evaluate("""async () => (await import('/app/records.js')).listInspections()""")


def local_blobs(page) -> dict:
    """sha256 → bytes of every photo still held on the phone."""
    rows = page.evaluate("""async () => {
        const { dbReady } = await import('/app/db.js');
        const blobs = await (await dbReady).getAll('blobs');
        return blobs.map((b) => {
          let s = ''; const u = new Uint8Array(b.bytes);
          for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
          return { sha256: b.sha256, data: btoa(s), type: b.type };
        });
    }""")
    return {r["sha256"]: base64.b64decode(r["data"]) for r in rows}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def start_inspection(page, assigned_index: int = 0) -> str:
    """Start an inspection of an assigned group from the home screen; answers its id."""
    page.goto(page.url.split("#")[0] + "#/")
    page.locator("#assignments a.row").nth(assigned_index).click()
    page.wait_for_selector("#criterion")
    return page.url.split("#/inspect/")[1].split("/")[0]


def go_to_criterion(page, inspection_id: str, key: str):
    keys = page.evaluate("""async (id) => {
        const r = await (await import('/app/records.js')).getInspection(id);
        return (await (await import('/app/reference.js')).rubricFor(r.rubric_version)).criteria.map((c) => c.key);
    }""", inspection_id)
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/{keys.index(key)}")
    page.wait_for_selector(f"#criterion[data-criterion='{key}']")


def tap_plus(page, item: str, times: int = 1):
    for _ in range(times):
        before = int(page.locator(f".counter[data-item='{item}'] output").inner_text())
        page.locator(f".counter[data-item='{item}'] button").nth(1).tap()
        page.wait_for_function(f"document.querySelector(\".counter[data-item='{item}'] output\")?.textContent === '{before + 1}'")


def toggle(page, item: str):
    """Answer a once or veto item 有此问题 (problem found)."""
    page.locator(f".finding-choice[data-item='{item}'] [data-finding='yes']").tap()
    page.wait_for_selector(f"li.item[data-item='{item}'] .photos")


def add_photo(page, item: str, data: bytes, source: str = "camera", name: str = "photo.jpg"):
    strip = page.locator(f"li.item[data-item='{item}']")
    count = strip.locator("figure.thumb").count()
    strip.locator(f"input[data-photo-input='{source}']").set_input_files(photo_file(data, name))
    page.wait_for_function(f"document.querySelectorAll(\"li.item[data-item='{item}'] figure.thumb\").length === {count + 1}",
                           timeout=30000)


def confirm_submit(page):
    """On the summary: tap Submit, then confirm the summary it asks about; waits for the
    submitted inspection's screen."""
    page.click("#submit-button")
    page.click("#confirm-dialog #confirm-yes")
    page.wait_for_selector("#detail")


def submit(page, inspection_id: str):
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/99")
    page.wait_for_selector("#summary")
    confirm_submit(page)


def record_simple_inspection(page, photo: bytes, assigned_index: int = 0) -> str:
    """One deduction with one photo, submitted."""
    inspection_id = start_inspection(page, assigned_index)
    go_to_criterion(page, inspection_id, "collection")
    tap_plus(page, "collection.bins")
    add_photo(page, "collection.bins", photo)
    submit(page, inspection_id)
    return inspection_id


def store_overall_note(page, inspection_id: str, text: str):
    """Save an overall note as it is stored, past the box's limit (an older app let one type
    any length), and show the summary that holds it."""
    page.evaluate("""async ([id, text]) => {
        await (await import('/app/records.js')).updateInspection(id, (r) => { r.note = text; });
    }""", [inspection_id, text])
    page.goto(page.url.split("#")[0] + f"#/inspect/{inspection_id}/99")
    page.reload()
    page.wait_for_selector("#summary")


# Submitted inspections of the assigned groups, `per_inspection` photos each, made with the
# app's own modules (each JPEG goes through the camera pipeline, as a photo taken would).
SUBMITTED_WITH_PHOTOS = """async ({ jpegs, perInspection }) => {
    const store = { ...(await import('/app/session.js')), ...(await import('/app/reference.js')),
                    ...(await import('/app/records.js')) };
    const { processPhoto } = await import('/app/camera.js');
    const { isoLocal, newId } = await import('/app/clock.js');
    const round = await store.openRound();
    const rubric = await store.rubricFor(round.rubric_version);
    const session = await store.getSession();
    const groups = (await store.myAssignments(round.id, session.user.id)).map((a) => a.group_id);
    const allGroups = await store.refList('group');
    const items = [['collection', 'bins'], ['roads', 'road_dirty'], ['households', 'clutter']];
    const photos = [];
    for (let i = 0; i * perInspection < jpegs.length; i++) {
        const group = allGroups.find((g) => g.id === groups[i % groups.length]);
        const record = await store.createInspection({ round, group, rubric, gps: null });
        await store.updateInspection(record.id, (r) => {
            for (const [c, item] of items) r.criteria[c].deductions[item] = 1 + (i % 3);
            r.criteria.roads.note = '路面有积水';
        });
        for (const b64 of jpegs.slice(i * perInspection, (i + 1) * perInspection)) {
            const data = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
            const photo = await processPhoto(new File([data], 'p.jpg', { type: 'image/jpeg' }));
            const [criterion, item] = items[photos.length % items.length];
            await store.addPhoto('inspections', record.id, { id: newId(), sha256: photo.sha256,
                size: photo.size, mime: photo.mime, width: photo.width, height: photo.height, criterion,
                item, captured_at: isoLocal(), gps: null, source: 'camera' }, photo.bytes,
                { bytes: photo.thumb, type: photo.mime });
            photos.push({ sha256: photo.sha256, size: photo.size });
        }
        await store.updateInspection(record.id, (r) => { r.local.state = 'submitted'; r.finished_at = isoLocal(); });
    }
    return photos;
}"""


def submitted_with_photos(page, jpegs: list[bytes], per_inspection: int = 3) -> list[dict]:
    """Submitted inspections holding these photos (not yet sent); answers each photo's
    {sha256, size} as the phone made it."""
    return page.evaluate(SUBMITTED_WITH_PHOTOS, {
        "jpegs": [base64.b64encode(j).decode() for j in jpegs], "perInspection": per_inspection})


# every photos-phase progress report of the syncs from now on: [bytesDone, bytesTotal, done, total]
WATCH_PHOTO_PROGRESS = """async () => {
    window.__photoProgress = [];
    const { sync } = await import('/app/app.js');
    sync.addEventListener('progress', (e) => {
        const p = e.detail;
        if (p.phase === 'photos') window.__photoProgress.push([p.bytesDone, p.bytesTotal, p.done, p.total]);
    });
}"""


def watch_photo_progress(page):
    page.evaluate(WATCH_PHOTO_PROGRESS)


def photo_progress(page) -> list:
    return page.evaluate("window.__photoProgress")


def page_of_size(browser, width: int, height: int):
    """A browser page of its own context at this viewport, in the township's locale; a
    fixture yields from it."""
    context = browser.new_context(**TEST_CONTEXT, viewport={"width": width, "height": height},
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(30000)
    yield context.new_page()
    context.close()
