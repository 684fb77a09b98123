"""Demo points (积分): the points supermarket's goods (a few everyday items), good deeds
recorded on inspector1's phone and redemptions at the counter, pushed as a phone pushes
them; one redemption overdraws a household (flagged overdraft for the supervisors), and
a supervisor voided one deed recorded twice. Run after the household round is published,
so the households already hold the points of their checks."""
import random
import uuid
from datetime import datetime, timedelta

from sync.clock import TOWNSHIP_TZ

from ..extensions import db
from ..models import Household, LedgerEntry, Township, User
from ..phones.ledger import push_ledger
from ..points.catalogue import put_goods
from ..points.ledger import balances_of, record_adjust

GOODS = (("洗衣粉", "Washing powder", 8), ("食用油 1升", "Cooking oil, 1 litre", 15),
         ("香皂", "Soap", 3), ("大米 5公斤", "Rice, 5 kg", 25), ("毛巾", "Towel", 5))
DEEDS = ("cleanup_day", "sorting_model", "volunteer", "report_dumping", "cleanup_day")


def _entry(household: Household, kind: str, at: datetime, **fields) -> dict:
    return {"id": str(uuid.uuid4()), "household_id": household.id, "kind": kind,
            "recorded_at": at.isoformat(), "note": None, **fields}


def _line(goods, quantity: int) -> dict:
    return {"goods_id": goods.id, "name": goods.name, "quantity": quantity,
            "points": goods.points}


def add_points(township: Township, users: dict, rng: random.Random) -> None:
    inspector: User = users["inspector1"]
    goods = put_goods(users["admin"], [{"id": None, "name": name, "name_en": name_en,
                                        "points": points, "active": True}
                                       for name, name_en, points in GOODS])
    first, second = township.villages[0], township.villages[1]
    checked = db.session.execute(db.select(Household).where(
        Household.group_id.in_([g.id for g in first.groups]), Household.active.is_(True))
        .order_by(Household.group_id, Household.number_sort)).scalars().all()
    now = datetime.now(TOWNSHIP_TZ).replace(second=0, microsecond=0)
    # yesterday's deeds, recorded on the phone during the rounds of the village
    doers = rng.sample(checked, min(len(checked), 8))
    deeds = [_entry(h, "deed", now - timedelta(days=1, minutes=15 * n), rule_key=DEEDS[n % 5])
             for n, h in enumerate(doers)]
    # the same good deed entered twice: the supervisor voids the second
    twice = _entry(doers[0], "deed", now - timedelta(days=1, minutes=-5),
                   rule_key=deeds[0]["rule_key"], note="重复录入")
    push_ledger(inspector, [*deeds, twice])
    # this morning at the points supermarket: what each can afford, and one who cannot
    balances = balances_of(h.id for h in checked)
    shoppers = [h for h in checked if balances[h.id] >= 8][:6]
    redemptions = []
    for n, household in enumerate(shoppers):
        affordable = [g for g in goods if g.points <= balances[household.id]]
        chosen = rng.choice(affordable)
        quantity = max(1, min(2, balances[household.id] // chosen.points))
        redemptions.append(_entry(household, "redeem", now - timedelta(hours=3, minutes=n * 7),
                                  goods=[_line(chosen, quantity)]))
    # a household of a village with no household round yet holds no points: the
    # shopkeeper handed over the soap anyway, and the supervisors see the overdraft
    newcomer = db.session.execute(db.select(Household).where(
        Household.group_id == second.groups[0].id, Household.active.is_(True))
        .order_by(Household.number_sort)).scalars().first()
    soap = next(g for g in goods if g.name == "香皂")
    redemptions.append(_entry(newcomer, "redeem", now - timedelta(hours=1),
                              goods=[_line(soap, 2)], note="先领后补"))
    push_ledger(inspector, redemptions)
    voided = db.session.get(LedgerEntry, twice["id"])
    record_adjust(users["supervisor1"], doers[0].id, -voided.points, "重复录入，作废",
                  voids=voided.id)
