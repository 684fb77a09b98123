"""A demo household round: this month's checks of the households of the first village's
groups, pushed by inspector1 as a phone pushes them, then reviewed into every state
(received, approved, rejected, has issues) and closed, with one check that arrived
late. It shares this month with the group round: rounds of different subjects may."""
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from sync.clock import TOWNSHIP_TZ
from sync.household_rubric import DEFAULT_HOUSEHOLD_RUBRIC
from sync.rubric import VETO
from sync.states import APPROVED, HAS_ISSUES, HOUSEHOLD_SUBJECT, OPEN, REJECTED

from ..admin.rounds import close_round
from ..admin.rubrics import install_household_rubric
from ..changes import record_change
from ..extensions import db
from ..models import Assignment, Household, Inspection, Round, Township, User
from ..phones.push import push_records
from ..photos.ingest import record_uploader
from ..review.actions import review_inspection
from .inspections import DEMO_CLIENT_ID, demo_photo_record, new_id
from .township import current_month

ITEMS = [(c["key"], i["key"], i["kind"]) for c in DEFAULT_HOUSEHOLD_RUBRIC["criteria"]
         for i in c["items"]]
# What the supervisor decided, in turn, for the checks reviewed already; most wait.
DECISIONS = ((APPROVED, None), (APPROVED, None), (HAS_ISSUES, "请补拍厨房照片"),
             (APPROVED, None), (REJECTED, "户号填错，请重新检查"))


def household_deductions(rng: random.Random) -> dict:
    criteria = {}
    for criterion, item, kind in ITEMS:
        if kind == VETO:
            count = 1 if rng.random() < 0.01 else 0
        else:
            count = 1 if rng.random() < 0.12 else 0
        if count:
            criteria.setdefault(criterion, {"na": False, "deductions": {}, "note": ""})
            criteria[criterion]["deductions"][item] = count
    return criteria


def household_check(rng, round_: Round, household: Household, started,
                    workdir: Path) -> dict:
    """A check as the phone pushes it, with a photo of every deduction."""
    criteria = household_deductions(rng)
    group = household.group
    photos = [demo_photo_record(rng, group, criterion, item, started + timedelta(minutes=3),
                                workdir)
              for criterion, entry in criteria.items() for item in entry["deductions"]]
    return {
        "id": new_id(rng), "client_rev": 1, "base_version": None, "round_id": round_.id,
        "group_id": household.group_id, "household_id": household.id,
        "rubric_version": round_.rubric.version, "status": "submitted",
        "started_at": started.isoformat(),
        "finished_at": (started + timedelta(minutes=8)).isoformat(),
        "gps": {"lat": group.lat, "lon": group.lon, "accuracy_m": 10,
                "at": started.isoformat()},
        "criteria": criteria, "note": "示例数据", "photos": photos}


def add_household_round(township: Township, users: dict, rng: random.Random) -> Round:
    """The round, assigned by group to inspector1, about two households in three checked."""
    now = datetime.now(TOWNSHIP_TZ)
    starts_on, ends_on = current_month(now.date())
    round_ = Round(township_id=township.id, name=f"{starts_on.year}年{starts_on.month}月入户检查",
                   name_en=f"{starts_on:%B %Y} household checks", starts_on=starts_on,
                   ends_on=ends_on, state=OPEN, rubric=install_household_rubric(),
                   subject=HOUSEHOLD_SUBJECT)
    db.session.add(round_)
    db.session.flush()
    record_change(db.session, "round", round_.id, township.id)
    inspector: User = users["inspector1"]
    groups = sorted(township.villages[0].groups, key=lambda g: g.id)[:3]
    for group in groups:
        assignment = Assignment(round_id=round_.id, group_id=group.id, user_id=inspector.id)
        db.session.add(assignment)
        db.session.flush()
        record_change(db.session, "assignment", assignment.id, township.id,
                      owner_id=inspector.id)
    households = db.session.execute(db.select(Household).where(
        Household.group_id.in_([g.id for g in groups]), Household.active.is_(True))
        .order_by(Household.group_id, Household.id)).scalars().all()
    # this morning's visits, over by now and within the round (a time in the future or
    # outside the round would be flagged)
    started = max(now.replace(second=0, microsecond=0) - timedelta(hours=5),
                  datetime.combine(starts_on, datetime.min.time(), TOWNSHIP_TZ))
    with tempfile.TemporaryDirectory() as workdir:
        checks = [household_check(rng, round_, h, started + timedelta(minutes=2 * n),
                                  Path(workdir))
                  for n, h in enumerate(households) if n % 3 != 2]
    push_records(inspector, DEMO_CLIENT_ID, checks[:-1])
    for photo in (p for payload in checks for p in payload["photos"]):
        record_uploader(photo["sha256"], inspector.id)
    for n, payload in enumerate(checks[:-1]):
        if n % 2 == 0:  # every other check reviewed, the rest still received
            state, comment = DECISIONS[(n // 2) % len(DECISIONS)]
            review_inspection(db.session.get(Inspection, payload["id"]), users["supervisor1"],
                              state, comment)
    close_round(round_)
    push_records(inspector, DEMO_CLIENT_ID, checks[-1:])  # late: counts once admitted
    return round_
