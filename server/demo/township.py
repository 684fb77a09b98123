"""Demo data: a township in Menghai County with villages, groups, users and a round.

Everything made here is marked as demo data (Township.is_demo).
"""
import random
from calendar import monthrange
from datetime import date, datetime

from sync.rubric import DEFAULT_RUBRIC

from ..changes import GLOBAL, ensure_counter, record_change
from ..extensions import db
from sync.clock import TOWNSHIP_TZ
from ..models import (Assignment, Round, RubricVersion, Team, Township, User, Village,
                     VillagerGroup, rubric_from_dict)

DEMO_PASSWORD = "demo1234"
DEMO_USERS = (  # username, display name, role
    ("admin", "管理员 周强", "admin"),
    ("supervisor1", "审核员 张丽", "supervisor"),
    ("inspector1", "检查员 李明", "inspector"),
    ("inspector2", "检查员 王芳", "inspector"),
)
VILLAGES = (  # Chinese name, transliteration, number of groups
    ("曼贺村", "Manhe", 6), ("曼短村", "Manduan", 5), ("曼真村", "Manzhen", 8),
    ("曼稿村", "Mangao", 7), ("曼袄村", "Man'ao", 5), ("勐翁村", "Mengweng", 6),
)
GROUP_NUMERALS = "一二三四五六七八九十"
MENGHAI = (21.96, 100.45)  # the reference point the demo groups are scattered around


def ensure_rubric(version: dict = DEFAULT_RUBRIC) -> RubricVersion:
    rubric = db.session.execute(db.select(RubricVersion).where(
        RubricVersion.version == version["version"])).scalar_one_or_none()
    if rubric is None:
        rubric = rubric_from_dict(version)
        db.session.add(rubric)
        db.session.flush()
    return rubric


def current_month(today: date) -> tuple[date, date]:
    return today.replace(day=1), today.replace(day=monthrange(today.year, today.month)[1])


def seed_demo(bare: bool = False) -> Township:
    """A demo township; with bare=False also sample inspections with photos."""
    ensure_counter(db.session)
    rng = random.Random(20261105)
    township = Township(name="勐海镇（示例）", name_en="Menghai Town (demo)", is_demo=True)
    db.session.add(township)
    rubric = ensure_rubric()
    db.session.flush()
    record_change(db.session, "rubric", rubric.version, GLOBAL)

    groups = []
    for v_name, v_en, n_groups in VILLAGES:
        village = Village(township=township, name=v_name, name_en=v_en)
        for n in range(n_groups):
            village.groups.append(VillagerGroup(
                name=f"{v_name[:-1]}{GROUP_NUMERALS[n]}组", name_en=f"{v_en} Group {n + 1}",
                lat=round(MENGHAI[0] + rng.uniform(-0.15, 0.15), 5),
                lon=round(MENGHAI[1] + rng.uniform(-0.15, 0.15), 5)))
        db.session.add(village)
        groups.extend(village.groups)

    users = {}
    for username, display_name, role in DEMO_USERS:
        user = User(township=township, username=username, display_name=display_name, role=role)
        user.set_password(DEMO_PASSWORD)
        users[username] = user
        db.session.add(user)

    starts_on, ends_on = current_month(datetime.now(TOWNSHIP_TZ).date())
    round_ = Round(township=township, name=f"{starts_on.year}年{starts_on.month}月评比",
                   starts_on=starts_on, ends_on=ends_on, rubric=rubric, state="open")
    db.session.add(round_)
    db.session.flush()
    # Two teams of one: inspector1 takes the first three villages, inspector2 the rest.
    teams = {username: Team(township=township, round_id=round_.id, name=name,
                            members=[users[username]])
             for username, name in (("inspector1", "第一检查组"), ("inspector2", "第二检查组"))}
    db.session.add_all(teams.values())
    db.session.flush()
    half = sum(n for _, _, n in VILLAGES[:3])
    for index, group in enumerate(groups):
        username = "inspector1" if index < half else "inspector2"
        assignment = Assignment(round_id=round_.id, group_id=group.id,
                                user_id=users[username].id, team_id=teams[username].id)
        db.session.add(assignment)
    db.session.flush()
    _record_reference_changes(township)
    if not bare:
        from .cycle import add_earlier_rounds
        from .households import add_households
        from .inspections import add_sample_inspections

        # A random source of their own: the sample inspections stay as they were.
        add_households(township, random.Random(20261207))
        add_earlier_rounds(round_, groups, users, rng)
        add_sample_inspections(round_, groups, users, rng)
        from .household_round import add_household_round

        # after the households; a random source of its own, as theirs
        household_round = add_household_round(township, users, random.Random(20261208))
        from .stars import add_star_ratings

        add_star_ratings(township, users, household_round)
        from .points import add_points

        # after publishing: the households hold their checks' points; a source of its own
        add_points(township, users, random.Random(20261209))
    return township


def _record_reference_changes(township: Township) -> None:
    for village in township.villages:
        record_change(db.session, "village", village.id, township.id)
        for group in village.groups:
            record_change(db.session, "group", group.id, township.id)
    for round_ in db.session.execute(db.select(Round).where(
            Round.township_id == township.id)).scalars():
        record_change(db.session, "round", round_.id, township.id)
        for a in db.session.execute(db.select(Assignment).where(
                Assignment.round_id == round_.id)).scalars():
            record_change(db.session, "assignment", a.id, township.id, owner_id=a.user_id)
