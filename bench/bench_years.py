"""P10: three years of a township (bench/years.py: 60 groups, 36 published monthly
rounds, ~4,100 inspections, ~220 rectifications, rechecks, quarterly combined results;
2,520 households, 12 published household rounds of ~420 checks, their points ledger).

(a) The first pull of the inspector with most history on a new device, as the phone
    makes it (pages of 1000, Accept-Encoding: gzip, the first page's pages `ahead` asked
    for 3 at a time): the bytes the app sends (bodies as sent, compressed when it
    compresses, plus headers) and the time under Slow 3G (50,000 B/s, 2 s latency),
    modelled from the measured pages (slow3g_finish), against the physical minimum,
    bytes ÷ bandwidth + 1 × latency. Beside it, page after page: bytes ÷ bandwidth +
    requests × latency; and the real phone in Chromium under CDP's Slow 3G against a
    live server on the same data (phone_first_pull), its raw time given beside the one
    less the server's own wait for the first page.
(b) p95 of the supervisor's pages (and the admin's household list) over 30+ requests
    each, through Flask's test client (the whole app, no HTTP server: the time is the
    app's own).

    .venv/bin/python -m bench bench.bench_years
"""
from __future__ import annotations

import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.results import report  # noqa: E402
from bench.years import PASSWORD, seeded_app  # noqa: E402

BANDWIDTH, LATENCY = 50_000, 2.0      # DevTools "Slow 3G"
PHONE_PAGE = 1000                     # pwa/api.js pullPage's limit
REPEAT = 30


def wire_bytes(response) -> int:
    """Status line, headers and body as sent (the body compressed when it is)."""
    head = len(f"HTTP/1.1 {response.status}\r\n") + sum(
        len(f"{k}: {v}\r\n") for k, v in response.headers.items()) + 2
    return head + len(response.get_data())


def _new_device(app, username: str) -> tuple:
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "username": username, "password": PASSWORD, "device_name": "new phone"})
    assert token.status_code in (200, 201), token.get_data(as_text=True)[:300]
    return client, {"Authorization": f"Bearer {token.get_json()['token']}",
                    "Accept-Encoding": "gzip"}


def _page(client, headers, cursor) -> tuple[dict, dict]:
    """One page as the phone asks for it: the page, and what it cost on the wire."""
    path = f"/api/v1/sync/pull?limit={PHONE_PAGE}" + (f"&cursor={cursor}" if cursor else "")
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    head = wire_bytes(response) - len(response.get_data())
    body = response.get_data()
    compressed = response.headers.get("Content-Encoding") == "gzip"
    plain = gzip.decompress(body) if compressed else body
    page = json.loads(plain)
    return page, {"bytes": head + len(body), "plain": len(plain),
                  "encoding": response.headers.get("Content-Encoding", "identity"),
                  "ahead_read_at": head + _ahead_offset(body, compressed)
                  if page.get("ahead") else None, "records": len(page["changes"])}


def _ahead_offset(body: bytes, compressed: bool) -> int:
    """How many bytes of the body the phone has when it can read `ahead` (the body's
    first key): the array closed in what those bytes decompress to."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if compressed else None
    text = b""
    for end in range(256, len(body) + 256, 256):
        chunk = body[end - 256:end]
        text += inflate.decompress(chunk) if inflate else chunk
        if b"]" in text:
            return min(end, len(body))
    return len(body)


def sequential_pull(app, username: str) -> dict:
    """A new device following each page's cursor, one page after another (the phone
    before it fetched a first pull's pages ahead)."""
    client, headers = _new_device(app, username)
    pages, cursor = [], None
    while True:
        page, cost = _page(client, headers, cursor)
        pages.append(cost)
        cursor = page["cursor"]
        if not page["has_more"]:
            return _pull_figures(pages, slow3g_s=sum(p["bytes"] for p in pages) / BANDWIDTH
                                 + len(pages) * LATENCY, model="sequential round trips")


def first_pull(app, username: str) -> dict:
    """The phone's first pull (pwa/sync.js pullAll): the first page, its pages `ahead`
    asked for as soon as the first page's `ahead` is read, PULL_PAGES_IN_FLIGHT at a
    time, then on from the last one's cursor while it has more."""
    client, headers = _new_device(app, username)
    started = time.perf_counter()
    first, cost = _page(client, headers, None)
    pages = [cost]
    last = first
    for cursor in first["ahead"]:
        last, cost = _page(client, headers, cursor)
        pages.append(cost)
    while last["has_more"]:
        last, cost = _page(client, headers, last["cursor"])
        pages.append(cost | {"after_ahead": True})
    figures = _pull_figures(pages, slow3g_s=slow3g_finish(pages, len(first["ahead"])),
                            model=MODEL)
    return figures | {"server_s": round(time.perf_counter() - started, 3),
                      "pages_ahead": len(first["ahead"])}


MODEL = ("modelled from the measured pages (not a Chromium run): one link of BANDWIDTH "
         "carrying responses in the order they are ready, each LATENCY after its "
         "request; the pages ahead asked for when the first page's `ahead` has arrived, "
         "3 in flight, each later one when the page 3 before it is in")
IN_FLIGHT = 3                          # pwa/sync.js PULL_PAGES_IN_FLIGHT


def slow3g_finish(pages: list[dict], ahead: int) -> float:
    """When the last page is in: finish = max over pages of (asked + latency, the link
    free) + its bytes ÷ bandwidth, the link passing one response at a time."""
    first = pages[0]
    link_free = LATENCY + first["bytes"] / BANDWIDTH
    ahead_known = LATENCY + (first["ahead_read_at"] or first["bytes"]) / BANDWIDTH
    finished = [link_free]
    for k, page in enumerate(pages[1:]):
        if k < ahead:   # a page ahead: asked once `ahead` is read, or the page 3 before it in
            asked = ahead_known if k < IN_FLIGHT else finished[k + 1 - IN_FLIGHT]
        else:           # after the pages ahead, one by one
            asked = finished[-1]
        link_free = max(asked + LATENCY, link_free) + page["bytes"] / BANDWIDTH
        finished.append(link_free)
    return finished[-1]


def _pull_figures(pages: list[dict], slow3g_s: float, model: str) -> dict:
    total = sum(p["bytes"] for p in pages)
    return {"bytes": total, "uncompressed_body_bytes": sum(p["plain"] for p in pages),
            "requests": len(pages), "records": sum(p["records"] for p in pages),
            "encodings": sorted({p["encoding"] for p in pages}),
            "page_bytes": [p["bytes"] for p in pages],
            "slow3g_s": round(slow3g_s, 2),
            "slow3g_one_latency_s": round(total / BANDWIDTH + LATENCY, 2),
            "bandwidth": BANDWIDTH, "latency_s": LATENCY, "slow3g_model": model}


# the phone's pull begins and ends (Sync progress), and its pages' resource timings
PULL_WATCH = """async () => {
    const { sync } = await import('/app/app.js');
    sync.addEventListener('progress', (e) => {
        if (e.detail.phase === 'pull') window.__pulling = true;
        else if (window.__pulling) window.__pulled = true;
    });
}"""
PULL_TIMINGS = """() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/sync/pull'))
    .map((e) => ({ start: e.startTime, first_byte: e.responseStart, end: e.responseEnd,
                   bytes: e.transferSize }))"""


def phone_first_pull(app, username: str) -> dict | None:
    """The real phone (Chromium, Network.emulateNetworkConditions Slow 3G) signing in
    against a live server on the three years and making its first pull: from the first
    page's request to the last page's end. On a busy machine that holds the server's own
    time before the first page's first byte, given beside it. None without Chromium."""
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from bench.bench_pwa import ARGS, SLOW_3G, find_chromium, quiet_werkzeug
    if find_chromium() is None:
        return None
    quiet_werkzeug()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), headless=True,
                                         args=ARGS)
            device = dict(pw.devices["Pixel 7"])
            device.pop("default_browser_type", None)
            # the bench's own predicates are evaluated from strings (no 'unsafe-eval')
            context = browser.new_context(**device, bypass_csp=True)
            context.set_default_timeout(600_000)
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_port}/app/")
            page.wait_for_selector("body[data-ready='1']")
            page.evaluate(PULL_WATCH)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("#signin-button")
            page.wait_for_function("window.__pulled === true")
            pages = sorted(page.evaluate(PULL_TIMINGS), key=lambda e: e["start"])
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    began = pages[0]["start"]
    pull_s = (max(e["end"] for e in pages) - began) / 1000
    server_wait_s = max(0.0, (pages[0]["first_byte"] - began) / 1000 - LATENCY)
    return {"pull_s": round(pull_s, 2), "first_page_server_wait_s": round(server_wait_s, 2),
            "requests": len(pages), "bytes": sum(e["bytes"] for e in pages),
            "pages_s": [[round((e[k] - began) / 1000, 2) for k in ("start", "first_byte", "end")]
                        for e in pages], "slow3g_model": "measured: Chromium under CDP Slow 3G"}


def signed_in(app, username: str):
    from tests.support.web import login

    client = app.test_client()
    login(client, username, PASSWORD)
    return client


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(round(0.95 * len(ordered))) - 1]


def timed(client, path: str, headers=None) -> dict:
    """p95 and median of the wall time in ms, and the p95 of the CPU time this process
    spent (the test client runs the app in it): on a busy machine the wall time also
    holds the waits for a core, the CPU time only the app's own work."""
    first = client.get(path, headers=headers)
    assert first.status_code == 200, (path, first.status_code, first.get_data(as_text=True)[:300])
    wall, cpu = [], []
    for _ in range(REPEAT):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200
    return {"p95_ms": p95(wall) * 1000, "median_ms": round(statistics.median(wall) * 1000, 1),
            "cpu_p95_ms": round(p95(cpu) * 1000, 1), "bytes": len(first.get_data())}


def pages(app, years) -> tuple[dict, dict]:
    """{name: (path, API headers or None)} and {name: the signed-in client to ask}."""
    client = signed_in(app, years.supervisor)
    token = app.test_client().post("/api/v1/auth/token", json={
        "username": years.supervisor, "password": PASSWORD, "device_name": "bench"}).get_json()
    api = {"Authorization": f"Bearer {token['token']}"}
    latest, year = years.rounds[-1], years.rounds[-12:]
    households = years.household_rounds[-1]
    paths = {
        "review_queue": ("/review/", None),
        "review_queue_received": ("/review/?state=received", None),
        "review_queue_page_30": ("/review/?page=30", None),
        "rankings_page": (f"/review/rounds/{latest}/rankings", None),
        "rankings_json": (f"/api/v1/rounds/{latest}/rankings", api),
        "combined_choose": ("/review/combined", None),
        "combined_year": ("/review/combined?" + "&".join(f"rounds={r}" for r in year), None),
        "combined_published": (f"/review/combined/{years.combined[-1]}", None),
        "rectifications_page": ("/review/rectifications", None),
        "household_results_page": (f"/review/rounds/{households}/results", None),
        "household_results_page_5": (f"/review/rounds/{households}/results?page=5", None),
        "household_results_search": (f"/review/rounds/{households}/results?q=12", None),
        "household_results_not_checked": (
            f"/review/rounds/{households}/results?status=not_checked", None),
        "admin_households": ("/admin/households", None),
        "admin_households_page_40": ("/admin/households?page=40", None),
    }
    admin = signed_in(app, years.admin)
    return paths, {name: admin if name.startswith("admin_") else client for name in paths}


def main(argv=()) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-years-"))
    started = time.monotonic()
    app, years = seeded_app(workdir)
    print(f"  three years ready in {time.monotonic() - started:.0f} s: {years.counts}",
          flush=True)
    pull = first_pull(app, years.heavy_inspector)
    report("p10_first_pull_bytes", pull["bytes"] / 1000, "KB on the wire", "<= 300",
           {**pull, "counts": years.counts})
    report("p10_first_pull_slow3g_ratio", pull["slow3g_s"] / pull["slow3g_one_latency_s"],
           "x minimum", "<= 1.2", pull)
    sequential = sequential_pull(app, years.heavy_inspector)
    report("p10_first_pull_sequential_slow3g_ratio",
           sequential["slow3g_s"] / sequential["slow3g_one_latency_s"], "x minimum",
           "(informative: page after page)", sequential)
    report("p10_first_pull_slow3g_s", pull["slow3g_s"], "s", "(informative)", pull)
    report("p10_first_pull_slow3g_one_latency_s", pull["slow3g_one_latency_s"], "s",
           "(informative)", pull)
    phone = phone_first_pull(app, years.heavy_inspector)
    if phone is not None:
        minimum = phone["bytes"] / BANDWIDTH + LATENCY
        report("p10_first_pull_phone_slow3g_ratio",
               (phone["pull_s"] - phone["first_page_server_wait_s"]) / minimum, "x minimum",
               "(informative: the real phone, less the server's own wait)",
               phone | {"minimum_s": round(minimum, 2),
                        "raw_ratio": round(phone["pull_s"] / minimum, 3)})
    paths, clients = pages(app, years)
    for name, (path, headers) in paths.items():
        figures = timed(clients[name], path, headers)
        report(f"p10_{name}_p95", figures.pop("p95_ms"), "ms (test client)", "<= 300",
               {"path": path, **figures, "requests": REPEAT, "via": "flask test client"})
    with app.app_context():
        from server.extensions import db
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
