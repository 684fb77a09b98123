"""R1 and R2: sync through repeated SIGKILLs, and 50 phones at once on PostgreSQL.

Run: python -m bench bench.bench_reliability
"""
import hashlib
import http.client
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.results import report
from tests.support.factories import inspection, jpeg_bytes, photo_record
from tests.support.httpclient import Phone
from tests.support.liveserver import ServerProcess
from tests.support.postgres import Cluster, pg_bin

R1_INSPECTIONS, R1_PHOTOS_EACH, R1_KILLS = 1000, 3, 5
R2_PHONES, R2_SECONDS = 50, 60


def reference(phone: Phone) -> tuple[int, list[int]]:
    changes = phone.pull_all()
    round_id = next(c["data"]["id"] for c in changes if c["type"] == "round")
    return round_id, [c["data"]["id"] for c in changes if c["type"] == "group"]


def resilient(call, *args):
    """Retries a call until the server answers (it may be down for a moment)."""
    while True:
        try:
            return call(*args)
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)


def r1_sync_through_kills() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        server = ServerProcess(Path(workdir), workers=2).prepare().start()
        try:
            phone = Phone(server.url, "inspector1")
            round_id, groups = reference(phone)
            rng = random.Random(7)
            photos = {}
            batch = []
            for n in range(R1_INSPECTIONS):
                records = []
                for k in range(R1_PHOTOS_EACH):
                    data = jpeg_bytes(seed=n * 10 + k)
                    photos[hashlib.sha256(data).hexdigest()] = data
                    records.append(photo_record(data))
                batch.append(inspection(round_id, groups[n % len(groups)],
                                        deductions={"roads": {"road_dirty": 1 + n % 3}},
                                        photos=records))
            stop = threading.Event()

            def killer():
                for _ in range(R1_KILLS):
                    if stop.wait(rng.uniform(1.5, 4)):
                        return
                    server.kill()
                    server.start()

            thread = threading.Thread(target=killer)
            thread.start()
            started = time.monotonic()
            for i in range(0, len(batch), 200):
                while resilient(phone.push, batch[i:i + 200])[0].status != 200:
                    time.sleep(0.2)
            for sha, data in photos.items():
                while resilient(phone.upload, data) != 201:
                    time.sleep(0.2)
            stop.set()
            thread.join()
            elapsed = time.monotonic() - started
            supervisor = resilient(Phone, server.url, "supervisor1")
            held = {c["id"]: c["data"] for c in resilient(supervisor.pull_all)
                    if c["type"] == "inspection"}
            lost = len({b["id"] for b in batch} - set(held))
            twice = sum(1 for d in held.values() if d["version"] != 1)
            missing = sum(1 for sha in photos if phone.offset(sha) != len(photos[sha]))
            report("R1 inspections lost", lost, "count", "= 0")
            report("R1 inspections applied twice", twice, "count", "= 0")
            report("R1 photos missing or partial", missing, "count", "= 0")
            report(f"R1 sync time with {R1_KILLS} kills", elapsed, "s", "(info)")
        finally:
            server.stop()


def r2_many_phones() -> None:
    bindir = pg_bin()
    if bindir is None:
        print("  PostgreSQL not installed: R2 skipped")
        return
    cluster = Cluster(bindir).start()
    with tempfile.TemporaryDirectory() as workdir:
        server = ServerProcess(Path(workdir), cluster.create_database(), workers=4)
        server.prepare().start()
        try:
            latencies, statuses, sent = [], [], []
            lock = threading.Lock()
            deadline = time.monotonic() + R2_SECONDS
            users = ["inspector1", "inspector2"]

            def phone_loop(n: int):
                phone = Phone(server.url, users[n % 2])
                round_id, groups = reference(phone)
                rng = random.Random(n)
                while time.monotonic() < deadline:
                    data = jpeg_bytes(seed=n * 100000 + rng.randrange(10**6))
                    item = inspection(round_id, rng.choice(groups),
                                      deductions={"collection": {"bins": 1}},
                                      photos=[photo_record(data)])
                    t0 = time.perf_counter()
                    response, _ = phone.push([item])
                    elapsed = time.perf_counter() - t0
                    upload_status = phone.upload(data)
                    pull_status = phone.request("GET", "/api/v1/sync/pull?limit=100")[0].status
                    with lock:
                        latencies.append(elapsed)
                        statuses.extend([response.status, upload_status, pull_status])
                        sent.append(item["id"])

            threads = [threading.Thread(target=phone_loop, args=(n,)) for n in range(R2_PHONES)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            supervisor = Phone(server.url, "supervisor1")
            held = {c["id"] for c in supervisor.pull_all() if c["type"] == "inspection"}
            report("R2 5xx responses", sum(1 for s in statuses if s >= 500), "count", "= 0")
            report("R2 inspections lost", len(set(sent) - held), "count", "= 0")
            report("R2 push p95 latency", statistics.quantiles(latencies, n=20)[-1] * 1000,
                   "ms", "(report)")
            report("R2 requests served", len(statuses), "count", "(info)")
        finally:
            server.stop()
            cluster.stop()


def main() -> None:
    r1_sync_through_kills()
    r2_many_phones()


if __name__ == "__main__":
    main()
