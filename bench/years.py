"""Three years of a township (P10), seeded through the domain functions the API calls:
places imported from a CSV, users created, each month a round created, assigned, pushed
to by its inspectors (push_records, as POST /sync/push), reviewed, closed and published
(opening the Black List's rectifications), then rechecked and the rechecks reviewed. No
raw SQL, so the data obeys today's rules; the only liberty is the clock: a month's
lists and reviews are dated the day after it ended (as the demo dates its lists), and a
recheck's review (and the items it closed off) the day after it, or three years would
all have been reviewed today (every deadline in the future, every review "recent").
The township's 2,520 households are imported with its places; their last twelve
months of household rounds and points are one more layer (years_households.py).

    seeded_app(workdir) -> (app, Years)   the cached database copied into workdir
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sync.clock import TOWNSHIP_TZ, township_today
from sync.rectification import item_key
from sync.states import ITEM_CLOSED, ITEM_OPEN

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "years-bench-1"
CLIENT_ID = "00000000-0000-4000-8000-0000000ba024"
# Usernames are unique across townships: these stay clear of the demo's.
PREFIX = "years-"
INSPECTORS = 5       # inspector0 has most history: every group is assigned to them
GROUPS_EACH = 6      # groups per village
HOUSEHOLDS_EACH = 42  # 60 groups × 42 = 2,520 households, as a township has
HOUSEHOLD_MONTHS = 12  # a household round in each of the last twelve months


@dataclass
class Years:
    """What was seeded, for the benchmark to ask about."""
    township_id: int = 0
    rounds: list = field(default_factory=list)          # published, oldest first
    current_round: int = 0                              # this month's, open
    combined: list = field(default_factory=list)        # quarters' combined results
    household_rounds: list = field(default_factory=list)  # published, oldest first
    heavy_inspector: str = f"{PREFIX}inspector0"
    supervisor: str = f"{PREFIX}supervisor0"
    admin: str = f"{PREFIX}admin0"
    counts: dict = field(default_factory=dict)


def add_township(groups: int) -> tuple[int, dict]:
    """The township, its villages and groups (import_places) and its users (create_user)."""
    from server.admin.places import import_places
    from server.admin.users import create_user
    from server.demo.township import ensure_rubric
    from server.extensions import db
    from server.models import Township

    ensure_rubric()
    township = Township(name="三年镇", name_en="Three Years Town")
    db.session.add(township)
    db.session.flush()
    rng = random.Random(24)
    lines = ["village,village_en,group,group_en,lat,lon"]
    for n in range(groups):
        v, g = divmod(n, GROUPS_EACH)
        lines.append(f"曼{v}村,Village {v},{g + 1}组,Group {g + 1},"
                     f"{21.9 + rng.uniform(-0.1, 0.1):.5f},{100.4 + rng.uniform(-0.1, 0.1):.5f}")
    import_places(township.id, ("\n".join(lines) + "\n").encode())
    add_households(township.id, groups, rng)
    users = {}
    for name, role, count in (("inspector", "inspector", INSPECTORS),
                              ("supervisor", "supervisor", 1), ("admin", "admin", 1)):
        for n in range(count):
            users[f"{name}{n}"] = create_user(township.id, username=f"{PREFIX}{name}{n}",
                                              display_name=f"{role} {n}", role=role,
                                              password=PASSWORD)
    return township.id, users


def add_households(township_id: int, groups: int, rng: random.Random) -> None:
    """HOUSEHOLDS_EACH households in every group (import_households, as an admin's CSV)."""
    from server.admin.households import import_households
    from server.demo.households import head_name

    lines = ["village,group,number,head,members,active"]
    for n in range(groups):
        v, g = divmod(n, GROUPS_EACH)
        lines += [f"曼{v}村,{g + 1}组,{h:02d},{head_name(rng)},{rng.randint(1, 7)},1"
                  for h in range(1, HOUSEHOLDS_EACH + 1)]
    import_households(township_id, ("\n".join(lines) + "\n").encode())


def month_starts(months: int, today: date) -> list[date]:
    """The first days of the `months` months before this one, oldest first."""
    starts, first = [], today.replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def month_end(first: date) -> date:
    return ((first + timedelta(days=32)).replace(day=1)) - timedelta(days=1)


def add_round(township_id: int, users: dict, first: date, rng: random.Random, *,
              publish_it: bool, per_round: int | None = None) -> int:
    """One month: created, inspector0 assigned every group and the others a quarter each;
    each group inspected by its other inspector, most also by inspector0; reviewed in
    every state; closed and published the day after it ended (when publish_it)."""
    from server.admin.rounds import close_round, create_round, rubric_id, save_assignments
    from server.demo.cycle import published_the_day_after
    from server.demo.inspections import push_as_their_inspectors
    from server.extensions import db
    from server.models import Inspection, utcnow
    from server.review.actions import review_inspection
    from server.review.publishing import publish

    round_ = create_round(township_id, name=f"{first.year}年{first.month}月评比",
                          name_en=f"{first:%B %Y} round", starts_on=first,
                          ends_on=month_end(first), rubric_id=rubric_id(township_id))
    groups = sorted(g.id for v in round_.township.villages for g in v.groups)
    heavy, others = users["inspector0"], [users[f"inspector{n}"] for n in range(1, INSPECTORS)]
    save_assignments(round_, {g: [heavy.id, others[i % len(others)].id]
                              for i, g in enumerate(groups)})
    group_rows = {g.id: g for v in round_.township.villages for g in v.groups}
    started = datetime.combine(first + timedelta(days=9), time(9), TOWNSHIP_TZ)
    by_user = {}
    for i, group_id in enumerate(groups[:per_round] if per_round else groups):
        who = [others[i % len(others)]] + ([heavy] if i % 10 else [])
        for user in who:
            by_user.setdefault(user.id, []).append(
                inspection_payload(rng, round_, group_rows[group_id],
                                   started + timedelta(minutes=7 * i + 3 * len(who))))
    push_as_their_inspectors({u.username: u for u in users.values()}, by_user)
    supervisor = users["supervisor0"]
    ids = [p["id"] for payloads in by_user.values() for p in payloads]
    for n, inspection_id in enumerate(sorted(ids)):
        state = ("approved",) * 14 + ("rejected", "has_issues", "received", "received")
        chosen = state[n % len(state)] if publish_it else state[n % 3 * 8]
        if chosen != "received":
            inspection = db.session.get(Inspection, inspection_id)
            review_inspection(inspection, supervisor, chosen,
                              None if chosen == "approved" else "请补拍照片")
            if publish_it:      # reviewed when the month was, not on the day of seeding
                inspection.updated_at = min(utcnow(), reviewed_on(round_.ends_on))
    if publish_it:
        close_round(round_)
        publish(round_, supervisor)
        published_the_day_after(round_)
    return round_.id


def reviewed_on(day: date) -> datetime:
    """Mid-morning of the day after `day`, as the supervisor would have reviewed it."""
    return datetime.combine(day + timedelta(days=1), time(10), TOWNSHIP_TZ)


def inspection_payload(rng: random.Random, round_, group, started: datetime) -> dict:
    """What a phone pushes: the demo's deductions, each with a photo record (its bytes
    never uploaded: the pull and the pages carry the record, not the image)."""
    from server.demo.inspections import sample_deductions

    criteria = sample_deductions(rng, 0.15 + rng.random())
    photos = inspection_photos(rng, group, criteria, started)
    return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "client_rev": 1,
            "base_version": None, "round_id": round_.id, "group_id": group.id,
            "rubric_version": round_.rubric.version, "status": "submitted",
            "started_at": started.isoformat(),
            "finished_at": (started + timedelta(minutes=25)).isoformat(),
            "gps": {"lat": group.lat, "lon": group.lon, "accuracy_m": 12,
                    "at": started.isoformat()},
            "criteria": criteria, "note": "三年数据", "photos": photos}


def inspection_photos(rng: random.Random, group, criteria: dict, started: datetime) -> list:
    """A photo record of each deduction, taken five minutes into the visit."""
    taken = (started + timedelta(minutes=5)).isoformat()
    return [{"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
             "sha256": f"{rng.getrandbits(256):064x}", "size": 150_000,
             "mime": "image/jpeg", "width": 1600, "height": 1200, "criterion": c,
             "item": i, "captured_at": taken, "source": "camera",
             "gps": {"lat": group.lat, "lon": group.lon, "accuracy_m": 10, "at": taken}}
            for c, entry in criteria.items() for i in entry["deductions"]]


def add_rechecks(township_id: int, users: dict, rng: random.Random) -> None:
    """Rechecks of the rectifications, by inspector0 for the most part: nine in ten of
    those older than a month are rechecked and closed off; some of the rest sent back,
    some waiting for review, some never rechecked (open or overdue)."""
    from server.extensions import db
    from server.models import Recheck, Rectification, Round, utcnow
    from server.phones.push import push_records
    from server.review.rechecks import review_recheck

    today = township_today()
    rectifications = db.session.execute(db.select(Rectification).join(Round).where(
        Rectification.township_id == township_id).order_by(
        Round.starts_on, Rectification.id)).scalars().all()
    for n, rectification in enumerate(rectifications):
        old = rectification.round.ends_on < today - timedelta(days=45)
        if old and n % 10 == 9 or not old and n % 3 == 0:
            continue                                # never rechecked
        inspector = users["inspector0"] if n % 4 else users[f"inspector{1 + n % 4}"]
        keys = [item_key(i.criterion, i.item) for i in rectification.items]
        fixed = {key: old or key != keys[-1] for key in keys}
        on = min(rectification.deadline, today) - timedelta(days=2)
        started = datetime.combine(on, time(9, 30), TOWNSHIP_TZ)
        payload = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "client_rev": 1,
            "base_version": None, "rectification_id": rectification.id,
            "started_at": started.isoformat(),
            "finished_at": (started + timedelta(minutes=30)).isoformat(),
            "gps": {"lat": rectification.group.lat, "lon": rectification.group.lon,
                    "accuracy_m": 10, "at": started.isoformat()},
            "items": {key: {"fixed": fixed[key], "note": "已整改" if fixed[key] else "未整改"}
                      for key in keys},
            "note": "复查", "photos": []}
        [[], [result]] = push_records(inspector, CLIENT_ID, [], [payload])
        assert result["outcome"] == "applied", result
        if not old and n % 3 == 1:
            continue                                # waiting for review
        decisions = {key: ITEM_CLOSED if fixed[key] else ITEM_OPEN for key in keys}
        recheck = db.session.get(Recheck, payload["id"])
        review_recheck(recheck, decisions, None if all(fixed.values()) else "请继续整改",
                       users["supervisor0"])
        recheck.reviewed_at = min(utcnow(), reviewed_on(on))
        for item in rectification.items:
            if item.decided_by is not None:          # decided by this review, that day
                item.decided_at = recheck.reviewed_at


def add_combined(years: "Years", users: dict) -> None:
    """Each full quarter's combined result (季度汇总), published by the supervisor."""
    from server.extensions import db
    from server.models import Round
    from server.review.combined import chosen_rounds, publish_combined

    supervisor = users["supervisor0"]
    for start in range(len(years.rounds) % 3, len(years.rounds), 3):
        rounds = chosen_rounds(years.rounds[start:start + 3], supervisor)
        first = db.session.get(Round, years.rounds[start]).starts_on
        frozen = publish_combined(rounds, supervisor, f"{first.year}年第{(first.month - 1) // 3 + 1}季度",
                                  f"Q{(first.month - 1) // 3 + 1} {first.year}")
        years.combined.append(frozen.combined_id)


def seed_years(months: int = 36, groups: int = 60) -> Years:
    """Inside an app context on an empty database: the township's history, committed a
    month at a time (as years of use would)."""
    from server.extensions import db
    from server.models import Household, Inspection, LedgerEntry, Recheck, Rectification

    from .years_households import add_household_rounds

    rng = random.Random(2024)
    township_id, users = add_township(groups)
    db.session.commit()
    years = Years(township_id=township_id)
    for first in month_starts(months, township_today()):
        years.rounds.append(add_round(township_id, users, first, rng, publish_it=True))
        db.session.commit()
    years.current_round = add_round(township_id, users, township_today().replace(day=1), rng,
                                    publish_it=False, per_round=20)
    add_rechecks(township_id, users, rng)
    add_combined(years, users)
    db.session.commit()
    years.household_rounds = add_household_rounds(
        township_id, users, month_starts(min(months, HOUSEHOLD_MONTHS), township_today()), rng)
    years.counts = {name: db.session.execute(
        db.select(db.func.count()).select_from(model).where(*where)).scalar()
        for name, model, where in (
            ("inspections", Inspection, [Inspection.township_id == township_id]),
            ("heavy_inspections", Inspection, [Inspection.inspector_id == users["inspector0"].id]),
            ("rectifications", Rectification, [Rectification.township_id == township_id]),
            ("rechecks", Recheck, [Recheck.township_id == township_id]),
            ("households", Household, [Household.township_id == township_id]),
            ("household_checks", Inspection, [Inspection.township_id == township_id,
                                              Inspection.household_id.isnot(None)]),
            ("ledger_entries", LedgerEntry, [LedgerEntry.township_id == township_id]))}
    return years


def cache_key(months: int, groups: int) -> str:
    """The seeded file is good while this module and the schema (its migrations) are
    unchanged, and for today: the rounds and deadlines are dated from today."""
    digest = hashlib.sha256(f"{months}/{groups}/{township_today():%Y-%m-%d}".encode())
    for path in sorted([Path(__file__), Path(__file__).with_name("years_households.py"),
                        *(ROOT / "migrations" / "versions").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def seeded_app(workdir: Path, months: int = 36, groups: int = 60):
    """An app on a copy of the three years (SQLite), seeded once and cached in the
    temporary folder. Returns (app, Years)."""
    from tests.support.apps import make_app

    cache = Path(tempfile.gettempdir()) / f"bench-years-{cache_key(months, groups)}"
    if not (cache / "years.json").exists():
        building = Path(tempfile.mkdtemp(prefix="bench-years-build-"))
        app = make_app(building, seed=None)
        with app.app_context():
            years = seed_years(months, groups)
            from server.extensions import db
            db.session.remove()
            db.engine.dispose()
        (building / "years.json").write_text(json.dumps(asdict(years)))
        for stale in cache.parent.glob("bench-years-" + "[0-9a-f]" * 16):
            shutil.rmtree(stale, ignore_errors=True)    # seeded for another day or schema
        building.rename(cache)
    workdir = Path(workdir)
    shutil.copy(cache / "test.db", workdir / "test.db")
    years = Years(**json.loads((cache / "years.json").read_text()))
    return make_app(workdir, prepared=True), years
