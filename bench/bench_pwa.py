"""P5 and P6: the phone app in headless Chromium (targets.md).

P5: app shell size; reload while offline to a usable screen at 4x CPU throttle; the photo
    pipeline (decode, orient, downscale to 1600 px, JPEG q0.8, SHA-256) on a 12-MP JPEG
    at 4x CPU throttle.
P6: a full sync of 10 inspections with 30 photos of the size the phone makes (12-MP camera
    photos through the app's own pipeline, downscaled to 1600 px: about 250-350 KB) under
    DevTools "Slow 3G" (50,000 B/s, 2 s latency) against the physical minimum: bytes on
    the wire / bandwidth + 3 x latency (push, photos, pull cannot overlap).

Run: python -m bench.bench_pwa   (figures merge into bench/results/latest.json)
"""
import base64
import io
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bench.results import report  # noqa: E402
from tests.support.phone import submitted_with_photos  # noqa: E402
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
BANDWIDTH, LATENCY_S = 50_000, 2.0


def say(text):
    print(text, flush=True)


def shell_bytes(suffixes=(".html", ".js", ".css")) -> int:
    """P5 weighs the shell's code: every HTML, JS and CSS file under pwa/, icons aside."""
    return sum(p.stat().st_size for p in (ROOT / "pwa").rglob("*")
               if p.is_file() and p.suffix in suffixes and "icons" not in p.parts)


def photo_like_jpeg(width, height, seed, detail=4, quality=90) -> bytes:
    """Smooth colour fields plus fine noise: compresses like a real outdoor photo."""
    rng = random.Random(seed)
    base = Image.new("RGB", (8, 6))
    base.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(48)])
    image = base.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.frombytes("L", (width // detail, height // detail),
                            rng.randbytes((width // detail) * (height // detail)))
    grain = grain.resize((width, height), Image.Resampling.NEAREST).convert("RGB")
    image = Image.blend(image, grain, 0.18)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


class Server:
    def __init__(self, tmp):
        from werkzeug.serving import make_server
        from tests.support.apps import make_app
        self.app = make_app(Path(tmp), seed="bare")
        self.httpd = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def quiet_werkzeug():
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def signed_in_phone(pw, browser, server):
    device = dict(pw.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    context = browser.new_context(**device, geolocation={"latitude": 21.95, "longitude": 100.45},
                                  permissions=["geolocation"])
    context.set_default_timeout(600_000)
    page = context.new_page()
    page.goto(f"{server.url}/app/")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#username", "inspector1")
    page.fill("#password", "demo1234")
    page.click("#signin-button")
    page.wait_for_selector("#assignment-summary")
    page.wait_for_function("navigator.serviceWorker.controller !== null && "
                           "document.documentElement.dataset.sync === 'idle'")
    return context, page


def p5_offline_reload(page, runs=7) -> float:
    cdp = page.context.new_cdp_session(page)
    page.context.set_offline(True)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    times = []
    for i in range(runs):
        page.reload()
        page.wait_for_selector("#assignment-summary")
        page.wait_for_function("performance.getEntriesByName('app-usable').length > 0")
        times.append(page.evaluate("performance.getEntriesByName('app-usable')[0].startTime"))
        say(f"  offline reload {i + 1}/{runs}: {times[-1]:.0f} ms")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.context.set_offline(False)
    return statistics.median(times)


def p5_photo_pipeline(page, runs=5) -> tuple[float, int]:
    jpeg = photo_like_jpeg(4000, 3000, seed=5)              # 12 megapixels
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    times = []
    for i in range(runs):
        ms = page.evaluate("""async (b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const file = new File([bytes], 'IMG_0001.jpg', { type: 'image/jpeg' });
            const { processPhoto } = await import('/app/camera.js');
            const t0 = performance.now();
            const photo = await processPhoto(file);
            const ms = performance.now() - t0;
            if (Math.max(photo.width, photo.height) > 1600 || photo.sha256.length !== 64) throw new Error('bad photo');
            return ms;
        }""", base64.b64encode(jpeg).decode())
        times.append(ms)
        say(f"  12-MP photo {i + 1}/{runs}: {ms:.0f} ms")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    return statistics.median(times), len(jpeg)


def p6_prepare(page, inspections=10, photos_each=3) -> list[dict]:
    """Ten submitted inspections with three photos each: 12-MP camera JPEGs, made into the
    phone's photos by the app's own pipeline (one inspection at a time: 12-MP JPEGs are big)."""
    photos = []
    for i in range(inspections):
        jpegs = [photo_like_jpeg(4000, 3000, seed=100 + i * photos_each + k, detail=12)
                 for k in range(photos_each)]
        photos += submitted_with_photos(page, jpegs, photos_each)
    return photos


def p6_sync(page) -> dict:
    requests = []
    page.on("requestfinished", lambda r: requests.append(r) if "/api/v1/" in r.url else None)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    started = time.perf_counter()
    page.evaluate("async () => { const { sync } = await import('/app/app.js'); await sync.now(); }")
    elapsed = time.perf_counter() - started
    cdp.send("Network.emulateNetworkConditions", {**SLOW_3G, "latency": 0, "downloadThroughput": -1,
                                                   "uploadThroughput": -1})
    error = page.evaluate("async () => (await import('/app/session.js')).getMeta('last_error')")
    waiting = page.evaluate("async () => (await (await import('/app/outbox.js')).summary()).photos")
    total_bytes = 0
    for r in requests:
        sizes = r.sizes()
        total_bytes += sum(sizes[k] for k in ("requestHeadersSize", "requestBodySize",
                                               "responseHeadersSize", "responseBodySize"))
    minimum = total_bytes / BANDWIDTH + 3 * LATENCY_S
    return {"elapsed": elapsed, "bytes": total_bytes, "requests": len(requests), "minimum": minimum,
            "error": error, "photos_left": waiting,
            "patches": sum(1 for r in requests if r.method == "PATCH")}


def find_chromium():
    import shutil
    for c in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if c and Path(c).exists():
            return c
    return None


def main():
    from playwright.sync_api import sync_playwright
    quiet_werkzeug()
    chromium = find_chromium()
    if chromium is None:
        say("bench_pwa: no Chromium found (apt-get install chromium); skipped")
        return
    report("P5 app shell size", shell_bytes(), "bytes", "<= 204800")
    report("P5 string catalogue and manifest (beside the shell)",
           shell_bytes((".json", ".webmanifest")), "bytes", "none: data")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        server = Server(tmp)
        try:
            say("P5 offline reload to a usable screen, 4x CPU throttle")
            context, page = signed_in_phone(pw, browser, server)
            report("P5 offline reload to usable screen (4x CPU)", p5_offline_reload(page), "ms", "<= 1000")
            say("P5 photo pipeline on a 12-MP JPEG, 4x CPU throttle")
            photo_ms, photo_bytes = p5_photo_pipeline(page)
            say(f"  (the test JPEG is 4000x3000, {photo_bytes} bytes)")
            report("P5 photo pipeline, 12 MP (4x CPU)", photo_ms, "ms", "<= 1500")
            context.close()

            say("P6 full sync of 10 inspections / 30 photos under Slow 3G")
            context, page = signed_in_phone(pw, browser, server)
            photos = p6_prepare(page)
            sizes = [p["size"] for p in photos]
            photo_total = sum(sizes)
            say(f"  prepared {len(photos)} photos, {min(sizes)}-{max(sizes)} bytes each, {photo_total} in all; "
                f"syncing (about {photo_total / BANDWIDTH:.0f} s of bytes)")
            sync = p6_sync(page)
            if sync["error"] or sync["photos_left"]:
                say(f"  sync did not finish: {sync['error']} ({sync['photos_left']} photos left)")
            say(f"  {sync['bytes']} bytes in {sync['requests']} requests ({sync['patches']} PATCH): "
                f"physical minimum {sync['minimum']:.1f} s")
            figures = {"elapsed_s": round(sync["elapsed"], 2), "bytes": sync["bytes"],
                       "requests": sync["requests"], "latency_s": LATENCY_S, "bandwidth": BANDWIDTH,
                       "photo_bytes": photo_total, "photos": len(photos)}
            report("P6 Slow 3G sync, 10 inspections / 30 photos", sync["elapsed"], "s",
                   f"<= 1.15 x {sync['minimum']:.1f} s", figures)
            report("P6 Slow 3G sync / physical minimum", sync["elapsed"] / sync["minimum"], "ratio",
                   "<= 1.15 (minimum = bytes / bandwidth + 3 x latency)", figures)
            context.close()
        finally:
            server.stop()
            browser.close()


if __name__ == "__main__":
    main()
