"""P4: rankings for a round of 1,000 groups × 10 inspections.

    .venv/bin/python -m bench.bench_rankings [--groups 1000] [--per-group 10] [--no-postgres]
    (also run by `make bench`; PostgreSQL is included when it is installed)

Prints a table as it goes and merges its figures into bench/results/latest.json as
{"name": {"value", "unit", "target"}}. Times are medians (computation) and p95s
(requests) on this machine; compare inside one run, never across machines.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from server.changes import record_change  # noqa: E402
from server.review import rankings, scoring  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Inspection, Photo, Round, User, Village, VillagerGroup  # noqa: E402
from tests.support.apps import make_app  # noqa: E402
from sync.rubric import DEFAULT_RUBRIC  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"
ITEMS = [(c["key"], i["key"], i["kind"]) for c in DEFAULT_RUBRIC["criteria"] for i in c["items"]]


def row(name: str, value, unit: str, target: str, ok: bool | None = None) -> None:
    mark = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:<38} {value:>12} {unit:<6} {target:<24} {mark}", flush=True)


def make_round(app, n_groups: int, per_group: int, seed: int = 4) -> int:
    """A township of n_groups groups, each with per_group inspections by 5 inspectors;
    3 % of inspections have a rejected photo (the void-deduction path)."""
    rng = random.Random(seed)
    with app.app_context():
        round_ = db.session.execute(db.select(Round)).scalar_one()
        township = round_.township_id
        inspectors = []
        for n in range(5):
            user = User(township_id=township, username=f"bench{n}", display_name=f"bench {n}",
                        role="inspector", password_hash="x")
            db.session.add(user)
            inspectors.append(user)
        db.session.flush()
        group_rows = []
        for v in range(-(-n_groups // 10)):
            village = Village(township_id=township, name=f"基准村{v}")
            db.session.add(village)
            db.session.flush()
            group_rows += [{"village_id": village.id, "name": f"{g + 1}组", "lat": 21.9,
                            "lon": 100.4} for g in range(min(10, n_groups - 10 * v))]
        db.session.execute(sa.insert(VillagerGroup), group_rows)
        groups = db.session.execute(db.select(VillagerGroup.id).join(Village).where(
            Village.name.like("基准村%"))).scalars().all()
        inspections, photos = [], []
        for group_id in groups:
            for k in range(per_group):
                criteria = {}
                for criterion, item, kind in ITEMS:
                    if kind == "veto":
                        count = 1 if rng.random() < 0.002 else 0
                    elif kind == "once":
                        count = 1 if rng.random() < 0.1 else 0
                    else:
                        count = rng.choice((0, 0, 0, 1, 2))
                    if count:
                        criteria.setdefault(criterion, {"na": False, "deductions": {},
                                                        "note": ""})["deductions"][item] = count
                inspection_id = str(uuid.uuid4())
                inspections.append({
                    "id": inspection_id, "township_id": township, "round_id": round_.id,
                    "group_id": group_id, "inspector_id": inspectors[k % 5].id,
                    "rubric_version": 1, "status": "submitted", "criteria": criteria,
                    "review_state": "rejected" if rng.random() < 0.02 else "received",
                    "flags": [], "version": 1, "has_conflict": False})
                if criteria and rng.random() < 0.03:
                    criterion = next(iter(criteria))
                    item = next(iter(criteria[criterion]["deductions"]))
                    photos.append({
                        "id": str(uuid.uuid4()), "inspection_id": inspection_id, "position": 0,
                        "sha256": f"{len(photos):064x}", "size": 1, "mime": "image/jpeg",
                        "width": 1, "height": 1, "criterion": criterion, "item": item,
                        "source": "camera", "flags": [], "accepted": False})
        for start in range(0, len(inspections), 2000):
            db.session.execute(sa.insert(Inspection), inspections[start:start + 2000])
        if photos:
            db.session.execute(sa.insert(Photo), photos)
        # loaded in bulk, past the domain functions: say so in the change log, as they do
        record_change(db.session, "round", round_.id, township)
        db.session.commit()
        return round_.id


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def bench(database_url: str | None, n_groups: int, per_group: int, label: str) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-rankings-"))
    app = make_app(workdir, database_url, seed="bare")
    print(f"-- {label}: {n_groups} groups × {per_group} inspections", flush=True)
    round_id = make_round(app, n_groups, per_group)
    figures = {}
    with app.app_context():
        def full():
            db.session.expire_all()
            rankings.compute_ranking(db.session.get(Round, round_id), {})

        def load_and_score():
            db.session.expire_all()
            with rankings.gc_paused():
                scoring.scored_inspections(db.session.get(Round, round_id))

        full()  # warm caches (imports, statement compilation)
        full_s = statistics.median(timed(full, 5))
        score_s = statistics.median(timed(load_and_score, 5))
        row("full computation", f"{full_s:.3f}", "s", "≤ 1 s", full_s <= 1.0)
        row("  of which load + score", f"{score_s:.3f}", "s", "")
        figures[f"p4_rankings_full_computation_{label}"] = {
            "value": round(full_s, 4), "unit": "s", "target": "<= 1"}

    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "username": "supervisor1", "password": "demo1234", "device_name": "bench"}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    first = client.get(f"/api/v1/rounds/{round_id}/rankings", headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    computed_at = first.get_json()["computed_at"]
    json_times = timed(lambda: client.get(f"/api/v1/rounds/{round_id}/rankings",
                                          headers=headers), 40)
    again = client.get(f"/api/v1/rounds/{round_id}/rankings", headers=headers).get_json()
    cached = again["computed_at"] == computed_at
    json_p95 = p95(json_times) * 1000
    row("rankings JSON p95 (computed)", f"{json_p95:.0f}", "ms", "≤ 300 ms", json_p95 <= 300)

    page = app.test_client()
    form = page.get("/login").get_data(as_text=True)
    csrf = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0] \
        if 'type="hidden" value="' in form else form.split('value="')[1].split('"')[0]
    page.post("/login", data={"username": "supervisor1", "password": "demo1234",
                              "csrf_token": csrf})
    assert page.get(f"/review/rounds/{round_id}/rankings").status_code == 200
    page_times = timed(lambda: page.get(f"/review/rounds/{round_id}/rankings"), 20)
    page_p95 = p95(page_times) * 1000
    row("rankings page p95 (computed)", f"{page_p95:.0f}", "ms", "≤ 300 ms", page_p95 <= 300)

    with app.app_context():   # a change of an input, as any writer records it
        record_change(db.session, "round", round_id, db.session.get(Round, round_id).township_id)
        db.session.commit()
    start = time.perf_counter()
    changed = client.get(f"/api/v1/rounds/{round_id}/rankings", headers=headers).get_json()
    miss_ms = (time.perf_counter() - start) * 1000
    row("JSON request that recomputes", f"{miss_ms:.0f}", "ms", "")
    recomputed = changed["computed_at"] != computed_at
    ok = cached and recomputed
    row("recompute only on data change", "yes" if ok else "no", "", "cache hit, then miss", ok)
    figures[f"p4_rankings_json_p95_{label}"] = {
        "value": round(json_p95, 1), "unit": "ms", "target": "<= 300"}
    figures[f"p4_rankings_page_p95_{label}"] = {
        "value": round(page_p95, 1), "unit": "ms", "target": "<= 300"}
    figures[f"p4_rankings_json_recompute_request_{label}"] = {
        "value": round(miss_ms, 1), "unit": "ms", "target": "(informative)"}
    figures[f"p4_rankings_recompute_only_on_change_{label}"] = {
        "value": 1 if ok else 0, "unit": "bool", "target": "== 1"}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return figures


def merge_results(figures: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")


def main(argv=()) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--per-group", type=int, default=10)
    parser.add_argument("--database-url", help="also run on this database (PostgreSQL)")
    parser.add_argument("--no-postgres", dest="postgres", action="store_false",
                        help="skip the run on a throwaway PostgreSQL cluster")
    args = parser.parse_args(argv)
    print(f"{'P4 rankings':<38} {'value':>12} {'unit':<6} {'target':<24}", flush=True)
    figures = bench(None, args.groups, args.per_group, "sqlite")
    url, cluster = args.database_url, None
    if url is None and args.postgres:
        from tests.support.postgres import Cluster, pg_bin
        if pg_bin():
            cluster = Cluster(pg_bin()).start()
            url = cluster.create_database()
    try:
        if url:
            figures.update(bench(url, args.groups, args.per_group, "postgresql"))
    finally:
        if cluster:
            cluster.stop()
    merge_results(figures)
    print(f"wrote {len(figures)} figures to {RESULTS.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
