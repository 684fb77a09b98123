"""P1, P2, P3, P7: push ingest, replay, photo upload and worker memory, over HTTP
against gunicorn, on SQLite and PostgreSQL.

Run: python -m bench bench.bench_sync
"""
import hashlib
import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench.results import report
from tests.support.factories import big_jpeg
from tests.support.httpclient import Phone, upload_headers
from tests.support.liveserver import ServerProcess
from tests.support.postgres import Cluster, pg_bin

N_INSPECTIONS = int(os.environ.get("BENCH_INSPECTIONS", 10_000))
# BENCH_ONLY=P3: the photo upload alone (P3 and its P7 row); BENCH_ONLY=P1: the push
# ingest alone (P1, P2 and their P7 row)
ONLY_UPLOAD = os.environ.get("BENCH_ONLY") == "P3"
ONLY_PUSH = os.environ.get("BENCH_ONLY") == "P1"
BATCH = 200
N_PHOTOS = 200
CHUNK = 256 * 1024
ITEMS = [("cleaning", "no_cleaner"), ("collection", "bins"), ("transfer", "point_dirty"),
         ("treatment", "dump_site"), ("toilets", "open_pit"), ("roads", "road_dirty"),
         ("greening", "graffiti"), ("campaigns", "mosquito_water"),
         ("households", "clutter"), ("protection", "sewage")]


def make_inspections(round_id: int, groups: list[int], n: int, rng: random.Random) -> list:
    now = "2026-11-20T09:00:00+08:00"
    out = []
    for i in range(n):
        criteria = {c: {"na": False, "deductions": {item: rng.randrange(0, 2)}, "note": ""}
                    for c, item in ITEMS}
        photos = []
        for c, item in rng.sample(ITEMS, 3):
            photos.append({"id": str(uuid.uuid4()), "sha256": "%064x" % rng.getrandbits(256),
                           "size": 400_000, "mime": "image/jpeg", "width": 1600,
                           "height": 1200, "criterion": c, "item": item,
                           "captured_at": now, "gps": {"lat": 21.9, "lon": 100.4,
                                                       "accuracy_m": 10, "at": now},
                           "source": "camera"})
        out.append({"id": str(uuid.uuid4()), "client_rev": 1, "base_version": None,
                    "round_id": round_id, "group_id": groups[i % len(groups)],
                    "rubric_version": 1, "status": "submitted", "started_at": now,
                    "finished_at": "2026-11-20T09:30:00+08:00",
                    "gps": {"lat": 21.9, "lon": 100.4, "accuracy_m": 10, "at": now},
                    "criteria": criteria, "note": "", "photos": photos})
    return out


class RssSampler(threading.Thread):
    """Peak resident memory of the server's processes (master and workers)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [self.pid] + [int(p) for p in children.read_text().split()]
        except OSError:
            return [self.pid]

    def run(self):
        while self.running:
            for pid in self.pids()[1:] or self.pids():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak = max(self.peak, int(line.split()[1]) * 1024)
                except OSError:
                    pass
            time.sleep(0.05)


def push_all(phone: Phone, inspections: list) -> tuple[float, dict]:
    """Times the server, not the client: request bodies are encoded beforehand."""
    bodies = [json.dumps({"client_id": phone.client_id,
                          "inspections": inspections[i:i + BATCH]}).encode()
              for i in range(0, len(inspections), BATCH)]
    outcomes = {}
    started = time.perf_counter()
    for raw in bodies:
        response, body = phone.request("POST", "/api/v1/sync/push", raw=raw,
                                       headers={"Content-Type": "application/json"})
        assert response.status == 200, body
        for result in body["results"]:
            outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
    return time.perf_counter() - started, outcomes


def core_bulk_insert(database_url: str, inspections: list, inspector_id: int) -> float:
    """The same rows written with SQLAlchemy Core executemany: the floor to compare with."""
    from server.models import Inspection, InspectionRevision, Photo

    engine = sa.create_engine(database_url)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.insert(Inspection.__table__), [
            {"id": i["id"], "township_id": 1, "round_id": i["round_id"],
             "group_id": i["group_id"], "inspector_id": inspector_id, "rubric_version": 1,
             "status": "submitted", "started_at": i["started_at"],
             "finished_at": i["finished_at"], "gps": i["gps"], "criteria": i["criteria"],
             "note": i["note"], "version": 1, "review_state": "received", "flags": [],
             "has_conflict": False, "received_at": time_now(), "updated_at": time_now()}
            for i in inspections])
        conn.execute(sa.insert(Photo.__table__), [
            {**p, "inspection_id": i["id"], "position": n, "flags": []}
            for i in inspections for n, p in enumerate(i["photos"])])
        conn.execute(sa.insert(InspectionRevision.__table__), [
            {"inspection_id": i["id"], "client_id": "bench", "client_rev": 1,
             "base_version": None, "user_id": inspector_id, "outcome": "applied", "version": 1,
             "payload": i, "content": None, "conflicts": [], "received_at": time_now()}
            for i in inspections])
    engine.dispose()
    return time.perf_counter() - started


def time_now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def analyze(database_url: str | None) -> None:
    """Fresh PostgreSQL tables have no planner statistics until autovacuum's first pass
    (a minute or more): without them, lookups by id scan whole tables. A running server
    has statistics, so the bench gives them to it between runs."""
    if database_url and database_url.startswith("postgresql"):
        engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        engine.dispose()


def bench_push(label: str, server: ServerProcess, core_url: str, runs: int = 3) -> None:
    """Medians of `runs`: a fresh set of inspections each time, then its replay."""
    phone = Phone(server.url, "inspector1")
    changes = phone.pull_all()
    round_id = next(c["data"]["id"] for c in changes if c["type"] == "round")
    groups = [c["data"]["id"] for c in changes if c["type"] == "group"]
    sampler = RssSampler(server.process.pid)
    sampler.start()
    ingest, replay, core = [], [], []
    for run in range(runs):
        inspections = make_inspections(round_id, groups, N_INSPECTIONS, random.Random(run))
        elapsed, outcomes = push_all(phone, inspections)
        assert outcomes == {"applied": N_INSPECTIONS}, outcomes
        ingest.append(elapsed)
        elapsed, outcomes = push_all(phone, inspections)
        assert outcomes == {"duplicate": N_INSPECTIONS}, outcomes
        replay.append(elapsed)
        core.append(core_bulk_insert(core_url, make_inspections(
            round_id, groups, N_INSPECTIONS, random.Random(100 + run)), phone.user["id"]))
        analyze(server.env["DATABASE_URL"])
        analyze(core_url)
    sampler.running = False
    ingest_s, replay_s, core_s = (statistics.median(x) for x in (ingest, replay, core))
    report(f"P1 push ingest ({label})", N_INSPECTIONS / ingest_s, "inspections/s", ">= 1000")
    report(f"P2 replay speed-up ({label})", ingest_s / replay_s, "x faster", ">= 5")
    report(f"P1 vs Core bulk insert ({label})", core_s / ingest_s, "ratio", ">= 0.5")
    report(f"P7 worker peak RSS during P1 ({label})", sampler.peak / 2**20, "MB", "<= 200")


class CountingPhone(Phone):
    """Counts requests and the bytes each puts on the wire (request line, headers, body)."""

    def __init__(self, *args, **kw):
        self.requests, self.wire_bytes = 0, 0
        super().__init__(*args, **kw)

    def request(self, method, path, body=None, headers=None, raw=None):
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        hdrs = self.headers(headers)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        self.requests += 1
        self.wire_bytes += len(head.encode()) + len(payload or b"")
        return super().request(method, path, body=body, headers=headers, raw=raw)


def photo_inspections(phone: Phone, photos: list[bytes]) -> list:
    """Inspections whose photos are these (three each), as a phone would push them."""
    changes = phone.pull_all()
    round_id = next(c["data"]["id"] for c in changes if c["type"] == "round")
    groups = [c["data"]["id"] for c in changes if c["type"] == "group"]
    return inspections_showing(round_id, groups, photos, random.Random(7))


def inspections_showing(round_id: int, groups: list[int], photos: list[bytes],
                        rng: random.Random) -> list:
    """Inspections (three photos each) whose photo records are these photos."""
    inspections = make_inspections(round_id, groups, -(-len(photos) // 3), rng)
    slots = [(i, p) for i in inspections for p in i["photos"]]
    for (inspection, slot), photo in zip(slots, photos):
        slot.update(sha256=hashlib.sha256(photo).hexdigest(), size=len(photo))
    for inspection, slot in slots[len(photos):]:
        inspection["photos"].remove(slot)
    return inspections


def cut_chunk(phone: Phone, sha: str, photo: bytes, offset: int, cut: int) -> None:
    """Sends the chunk at `offset` but only its bytes up to `cut`, then the connection
    drops (the signal is lost mid-chunk)."""
    import socket

    chunk = photo[offset:offset + CHUNK]
    headers = phone.headers({**upload_headers(offset, len(photo)), "Content-Length": str(len(chunk)),
                             "Host": f"{phone.host}:{phone.port}"})
    head = f"PATCH /api/v1/blobs/{sha} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection((phone.host, phone.port)) as sock:
        sock.sendall(head.encode() + chunk[:cut - offset])
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(65536):          # until the server has done with the cut request
            pass


def bench_upload(label: str, server: ServerProcess) -> None:
    """As the phone does it: one push whose results name the missing photos, then each
    photo from offset 0 in 256-KiB chunks, with no check in between."""
    phone = CountingPhone(server.url, "inspector1")
    photos = [big_jpeg(1320, 990, seed=n) for n in range(N_PHOTOS)]
    inspections = photo_inspections(phone, photos)
    total = sum(len(p) for p in photos)
    phone.requests = phone.wire_bytes = 0
    sampler = RssSampler(server.process.pid)
    sampler.start()
    started = time.perf_counter()
    response, body = phone.push(inspections)
    assert response.status == 200, body
    missing = {sha for result in body["results"] for sha in result["missing_blobs"]}
    assert len(missing) == N_PHOTOS, len(missing)
    for photo in photos:
        offset = 0
        sha = hashlib.sha256(photo).hexdigest()
        while offset < len(photo):
            response, _ = phone.request("PATCH", f"/api/v1/blobs/{sha}",
                                        raw=photo[offset:offset + CHUNK],
                                        headers=upload_headers(offset, len(photo)))
            assert response.status in (201, 204)
            offset = int(response.getheader("Upload-Offset"))
    elapsed = time.perf_counter() - started
    sampler.running = False
    chunks = sum(-(-len(p) // CHUNK) for p in photos)
    figures = {"photos": N_PHOTOS, "photo_bytes": total, "wire_bytes": phone.wire_bytes,
               "requests": phone.requests, "chunk": CHUNK,
               "mean_photo_bytes": round(total / N_PHOTOS)}
    report(f"P3 wire bytes / photo bytes ({label})", phone.wire_bytes / total, "ratio", "<= 1.02", figures)
    report(f"P3 requests per photo ({label})", phone.requests / N_PHOTOS, "requests",
           f"<= 1 + ceil(size/chunk) = {1 + chunks / N_PHOTOS:.2f}", figures)
    report(f"P3 requests / (push + chunks) ({label})", phone.requests / (1 + chunks), "ratio", "= 1")
    report(f"P3 upload throughput ({label})", total / elapsed / 2**20, "MiB/s", "(info)")
    report(f"P7 worker peak RSS during P3 ({label})", sampler.peak / 2**20, "MB", "<= 200")
    # A transfer cut at 60 %, in the middle of a chunk: how much of what was sent goes again
    # after resuming from the server's offset (HEAD)?
    photo = big_jpeg(1600, 1200, seed=12345)
    sha = hashlib.sha256(photo).hexdigest()
    cut = int(len(photo) * 0.6)
    offset = 0
    while offset + CHUNK <= cut:
        response, _ = phone.request("PATCH", f"/api/v1/blobs/{sha}", raw=photo[offset:offset + CHUNK],
                                    headers=upload_headers(offset, len(photo)))
        offset = int(response.getheader("Upload-Offset"))
    cut_chunk(phone, sha, photo, offset, cut)
    resumed = phone.offset(sha)
    report(f"P3 bytes re-sent after a 60% cut ({label})", (cut - resumed) / CHUNK, "chunks", "<= 1",
           {"cut_at": cut, "resumed_from": resumed, "photo_bytes": len(photo)})
    assert phone.upload(photo) == 201           # and the resumed upload completes


def run_on(label: str, database_url: str | None, core_url_factory) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        server = ServerProcess(Path(workdir), database_url, workers=2).prepare().start()
        try:
            if not ONLY_UPLOAD:
                bench_push(label, server, core_url_factory(Path(workdir)))
            if not ONLY_PUSH:
                bench_upload(label, server)
        finally:
            server.stop()


def main() -> None:
    def sqlite_core(workdir: Path) -> str:
        url = f"sqlite:///{workdir / 'core.db'}"
        from tests.support.apps import make_app

        make_app(workdir / "core", url, seed="bare")
        return url

    run_on("SQLite", None, sqlite_core)
    bindir = pg_bin()
    if bindir is None:
        print("  PostgreSQL not installed: PostgreSQL rows skipped")
        return
    cluster = Cluster(bindir).start()
    try:
        def pg_core(workdir: Path) -> str:
            from tests.support.apps import make_app

            url = cluster.create_database()
            make_app(workdir / "core", url, seed="bare")
            return url

        run_on("PostgreSQL", cluster.create_database(), pg_core)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
