"""P10: three years of a township (bench/years.py: 60 groups, 36 published monthly
rounds, ~4,100 inspections, ~220 rectifications, rechecks, quarterly combined results;
2,520 households, 12 published household rounds of ~420 checks, their points ledger).

(a) The first pull of the inspector with most history on a new device, as the phone
    makes it (pages of 1000, Accept-Encoding: gzip): the bytes the app sends (bodies as
    sent, compressed when it compresses, plus headers) and the time under Slow 3G
    (50,000 B/s, 2 s latency): bytes ÷ bandwidth + requests × latency, against the
    physical minimum, bytes ÷ bandwidth + 1 × latency.
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


def first_pull(app, username: str) -> dict:
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "username": username, "password": PASSWORD, "device_name": "new phone"})
    assert token.status_code in (200, 201), token.get_data(as_text=True)[:300]
    headers = {"Authorization": f"Bearer {token.get_json()['token']}",
               "Accept-Encoding": "gzip"}
    total = requests = records = plain = 0
    encodings, cursor = set(), None
    started = time.perf_counter()
    while True:
        path = f"/api/v1/sync/pull?limit={PHONE_PAGE}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        requests += 1
        total += wire_bytes(response)
        encodings.add(response.headers.get("Content-Encoding", "identity"))
        body = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        plain += len(body)
        page = json.loads(body)
        records += len(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    transfer = total / BANDWIDTH
    return {"bytes": total, "uncompressed_body_bytes": plain, "requests": requests,
            "records": records, "encodings": sorted(encodings),
            "server_s": round(time.perf_counter() - started, 3),
            "slow3g_s": round(transfer + requests * LATENCY, 2),
            "slow3g_one_latency_s": round(transfer + LATENCY, 2),
            "bandwidth": BANDWIDTH, "latency_s": LATENCY}


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
    report("p10_first_pull_slow3g_s", pull["slow3g_s"], "s", "(informative)", pull)
    report("p10_first_pull_slow3g_one_latency_s", pull["slow3g_one_latency_s"], "s",
           "(informative)", pull)
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
