"""The household side of three years (P10): the last twelve months each had a household
round and the points it earned, seeded through the domain functions the API calls. Each
month a household round is created and assigned, the households of ten groups checked
(push_records, as POST /sync/push), reviewed, closed and published (publishing credits
each checked household its band's points), and the month's good deeds and redemptions
pushed from the phones (push_ledger, as a push's `ledger`).

As in years.py the only liberty is the clock: a round is published, and its points
credited, the day after it ended, and a month's checks reviewed then too.
"""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from unittest import mock

from sync.clock import TOWNSHIP_TZ
from sync.states import HOUSEHOLD_SUBJECT

from .years import INSPECTORS, inspection_photos, month_end, reviewed_on

# A sixth of the groups a month (60 groups: ten, 420 households), each twice a year.
ROUNDS_TO_COVER = 6
DEEDS_A_MONTH = 60
REDEMPTIONS_A_MONTH = 40
DEEDS = ("cleanup_day", "sorting_model", "volunteer", "report_dumping")
GOODS = (("洗衣粉", "Washing powder", 8), ("食用油 1升", "Cooking oil, 1 litre", 15),
         ("香皂", "Soap", 3), ("大米 5公斤", "Rice, 5 kg", 25), ("毛巾", "Towel", 5))


def add_household_rounds(township_id: int, users: dict, starts: list[date],
                         rng: random.Random) -> list[int]:
    """A household round in each month of `starts` (oldest first), committed a month at a
    time; returns their ids."""
    from server.admin.rubrics import install_household_rubric
    from server.extensions import db
    from server.points.catalogue import put_goods

    install_household_rubric()      # as the migrations would have: a shared rubric
    goods = put_goods(users["admin0"], [{"id": None, "name": name, "name_en": name_en,
                                        "points": points, "active": True}
                                       for name, name_en, points in GOODS])
    db.session.commit()
    rounds = []
    for n, first in enumerate(starts):
        rounds.append(add_household_round(township_id, users, first, n, rng))
        add_points(township_id, users, first, goods, rng)
        db.session.commit()
    return rounds


def add_household_round(township_id: int, users: dict, first: date, n: int,
                        rng: random.Random) -> int:
    from server.admin.rounds import close_round, create_round, rubric_id, save_assignments
    from server.demo.household_round import household_deductions
    from server.demo.inspections import push_as_their_inspectors
    from server.extensions import db
    from server.models import Household, Inspection, utcnow
    from server.review.actions import review_inspection
    from server.review.publishing import publish
    from server.review.snapshots import HOUSEHOLD_RESULTS, snapshot

    round_ = create_round(township_id, name=f"{first.year}年{first.month}月入户检查",
                          name_en=f"{first:%B %Y} household checks", starts_on=first,
                          ends_on=month_end(first),
                          rubric_id=rubric_id(township_id, subject=HOUSEHOLD_SUBJECT),
                          subject=HOUSEHOLD_SUBJECT)
    groups = sorted(g.id for v in round_.township.villages for g in v.groups)
    each = max(1, len(groups) // ROUNDS_TO_COVER)
    chosen = [groups[(n * each + i) % len(groups)] for i in range(each)]
    inspectors = [users[f"inspector{i}"] for i in range(INSPECTORS)]
    save_assignments(round_, {g: [inspectors[i % INSPECTORS].id] for i, g in enumerate(chosen)})
    households = db.session.execute(db.select(Household).where(
        Household.group_id.in_(chosen), Household.active.is_(True))
        .order_by(Household.group_id, Household.number_sort)).scalars().all()
    started = datetime.combine(first + timedelta(days=11), time(8), TOWNSHIP_TZ)
    by_user = {}
    for i, household in enumerate(households):
        user = inspectors[chosen.index(household.group_id) % INSPECTORS]
        at = started + timedelta(minutes=6 * i)
        criteria = household_deductions(rng)
        by_user.setdefault(user.id, []).append({
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "client_rev": 1,
            "base_version": None, "round_id": round_.id, "group_id": household.group_id,
            "household_id": household.id, "rubric_version": round_.rubric.version,
            "status": "submitted", "started_at": at.isoformat(),
            "finished_at": (at + timedelta(minutes=5)).isoformat(),
            "gps": {"lat": household.group.lat, "lon": household.group.lon,
                    "accuracy_m": 10, "at": at.isoformat()},
            "criteria": criteria, "note": "入户检查",
            "photos": inspection_photos(rng, household.group, criteria, at)})
    push_as_their_inspectors({u.username: u for u in users.values()}, by_user)
    supervisor = users["supervisor0"]
    decided = ("approved",) * 14 + ("rejected", "has_issues")
    for k, inspection_id in enumerate(sorted(p["id"] for ps in by_user.values() for p in ps)):
        inspection = db.session.get(Inspection, inspection_id)
        state = decided[k % len(decided)]
        review_inspection(inspection, supervisor, state,
                          None if state == "approved" else "请补拍照片")
        inspection.updated_at = min(utcnow(), reviewed_on(round_.ends_on))
    close_round(round_)
    published_at = reviewed_on(round_.ends_on)
    # the check points are credited when the results are published, the day after
    with mock.patch("server.points.check_credits.utcnow", return_value=published_at):
        publish(round_, supervisor)
    snapshot(HOUSEHOLD_RESULTS, round_.id).published_at = published_at
    return round_.id


def add_points(township_id: int, users: dict, first: date, goods: list,
               rng: random.Random) -> None:
    """A month's good deeds (by the inspectors) and redemptions at the points supermarket
    (by each household that can afford something), pushed as phones push them."""
    from server.extensions import db
    from server.models import Household
    from server.phones.ledger import push_ledger
    from server.points.ledger import balances_of

    households = db.session.execute(db.select(Household).where(
        Household.township_id == township_id, Household.active.is_(True))
        .order_by(Household.id)).scalars().all()
    day = datetime.combine(month_end(first) - timedelta(days=5), time(9), TOWNSHIP_TZ)
    for n in range(INSPECTORS):
        doers = rng.sample(households, DEEDS_A_MONTH // INSPECTORS)
        push_ledger(users[f"inspector{n}"], [
            entry(rng, h, "deed", day + timedelta(minutes=9 * k), rule_key=rng.choice(DEEDS))
            for k, h in enumerate(doers)])
    balances = balances_of(h.id for h in households)
    shoppers = [h for h in households if balances[h.id] >= 8]
    redemptions = []
    for k, household in enumerate(rng.sample(shoppers, min(len(shoppers), REDEMPTIONS_A_MONTH))):
        chosen = rng.choice([g for g in goods if g.points <= balances[household.id]])
        redemptions.append(entry(
            rng, household, "redeem", day + timedelta(days=1, minutes=7 * k),
            goods=[{"goods_id": chosen.id, "name": chosen.name, "quantity": 1,
                    "points": chosen.points}]))
    push_ledger(users["inspector0"], redemptions)


def entry(rng: random.Random, household, kind: str, at: datetime, **fields) -> dict:
    return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "household_id": household.id, "kind": kind, "recorded_at": at.isoformat(),
            "note": None, **fields}

