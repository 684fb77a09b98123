"""Demo households: 20–40 a group, numbered as villages number them ("01".."35", and a
household split off another as "12-1"), with heads named as in Menghai: Dai names
(men 岩…, women 玉…) and some Han ones."""
import random

from ..changes import record_change
from ..extensions import db
from ..models import Household, Township

DAI_MEN = "温香罕光应叫坎拉糯腊胆保"
DAI_WOMEN = "香叫南应罕拉儿坎光喃丙"
HAN_SURNAMES = "李王张刘陈杨赵黄周吴罗"
HAN_GIVEN = ("建国", "文华", "国强", "秀英", "桂芳", "志明", "红梅", "永福", "玉兰",
             "德华", "海燕", "正荣", "春花", "学文", "家宝")


def head_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return "岩" + "".join(rng.sample(DAI_MEN, rng.choice((1, 1, 2))))
    if roll < 0.7:
        return "玉" + "".join(rng.sample(DAI_WOMEN, rng.choice((1, 1, 2))))
    return rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN)


def group_households(rng: random.Random, group_id: int, township_id: int) -> list[Household]:
    total, splits = rng.randint(20, 40), rng.choice((0, 1, 1, 2))
    numbers = [f"{n:02d}" for n in range(1, total - splits + 1)]
    # A household split off another keeps its number with a suffix.
    for parent in rng.sample(numbers[:len(numbers) // 2], splits):
        numbers.insert(numbers.index(parent) + 1, f"{parent}-1")
    return [Household(group_id=group_id, township_id=township_id, number=number,
                      head=head_name(rng),
                      members=None if rng.random() < 0.05 else rng.randint(1, 7),
                      active=rng.random() > 0.03)  # a few moved away
            for number in numbers]


def add_households(township: Township, rng: random.Random) -> list[Household]:
    """Households for every group of the township, recorded for the phones to pull."""
    households = [household for village in township.villages for group in village.groups
                  for household in group_households(rng, group.id, township.id)]
    db.session.add_all(households)
    db.session.flush()
    for household in households:
        record_change(db.session, "household", household.id, township.id)
    return households
