"""A household round of the seeded township with households and checks in every state
that matters to its results, made directly with the models (call in an app context).

    group A: 01 王建国 two counted checks, 96 and 90          → 93.0, +10
             02 李秀英 a counted veto (and a rejected check)   → 88.0 veto, -10
             03 张伟   a late check, not admitted             → not checked
             04 刘芳   inactive, never checked                → not listed
             05 陈明   a check whose deductions' only photo was rejected → 100.0, +10
    group B: 01 杨丽   one check, 86                          → 86.0, +6
             02 赵强   none                                   → not checked
"""
import uuid
from dataclasses import dataclass
from datetime import datetime

from sync.clock import TOWNSHIP_TZ

from server.changes import record_change
from server.demo.township import current_month
from server.extensions import db
from server.models import (Household, Inspection, Photo, Round, RubricVersion, User,
                           VillagerGroup)


@dataclass(frozen=True)
class HouseholdRound:
    round_id: int
    group_a: int
    group_b: int
    households: dict        # "A01" … → household id
    late_check: str         # the id of A03's late check


def _household(group_id, township_id, number, head, active=True) -> Household:
    row = Household(group_id=group_id, township_id=township_id, number=number, head=head,
                    active=active)
    db.session.add(row)
    return row


def add_check(round_: Round, household: Household, deductions: dict, *, state="received",
              late=False, rejected_photo=None) -> Inspection:
    """A submitted check scored on rubric version 1; `rejected_photo`: (criterion, item)
    whose only photo a supervisor rejected."""
    inspector = db.session.execute(db.select(User.id).where(
        User.username == "inspector1")).scalar_one()
    row = Inspection(
        id=str(uuid.uuid4()), township_id=round_.township_id, round_id=round_.id,
        group_id=household.group_id, household_id=household.id, inspector_id=inspector,
        rubric_version=1, review_state=state, flags=[], late=late,
        criteria={c: {"na": False, "deductions": items, "note": ""}
                  for c, items in deductions.items()})
    if rejected_photo:
        row.photos.append(Photo(
            id=str(uuid.uuid4()), position=0, sha256=f"{1:064x}", size=1, mime="image/jpeg",
            width=1, height=1, criterion=rejected_photo[0], item=rejected_photo[1],
            source="camera", flags=[], accepted=False))
    db.session.add(row)
    record_change(db.session, "inspection", row.id, round_.township_id)
    return row


def household_round(state: str = "open") -> HouseholdRound:
    """The round above in the seeded township (its first two groups), committed."""
    group_a, group_b = db.session.execute(
        db.select(VillagerGroup).order_by(VillagerGroup.id).limit(2)).scalars().all()
    township_id = group_a.village.township_id
    rubric = db.session.execute(db.select(RubricVersion).where(
        RubricVersion.version == 1)).scalar_one()
    starts_on, ends_on = current_month(datetime.now(TOWNSHIP_TZ).date())
    round_ = Round(township_id=township_id, name="本月户评", name_en="Household checks",
                   starts_on=starts_on, ends_on=ends_on, rubric=rubric, state=state,
                   subject="household")
    db.session.add(round_)
    rows = {
        "A01": _household(group_a.id, township_id, "01", "王建国"),
        "A02": _household(group_a.id, township_id, "02", "李秀英"),
        "A03": _household(group_a.id, township_id, "03", "张伟"),
        "A04": _household(group_a.id, township_id, "04", "刘芳", active=False),
        "A05": _household(group_a.id, township_id, "05", "陈明"),
        "B01": _household(group_b.id, township_id, "01", "杨丽"),
        "B02": _household(group_b.id, township_id, "02", "赵强"),
    }
    db.session.flush()
    add_check(round_, rows["A01"], {"collection": {"bins": 4}})                      # 96
    add_check(round_, rows["A01"], {"transfer": {"point_dirty": 3}, "roads": {"road_dirty": 4}},
              state="approved")                                                      # 90
    add_check(round_, rows["A02"], {"collection": {"open_burning": 1}}, state="approved")
    add_check(round_, rows["A02"], {"roads": {"road_dirty": 9}}, state="rejected")
    late = add_check(round_, rows["A03"], {"collection": {"bins": 1}}, late=True)
    add_check(round_, rows["A05"], {"collection": {"bins": 3}},
              rejected_photo=("collection", "bins"))
    add_check(round_, rows["B01"], {"toilets": {"coverage_low": 1}, "treatment": {
        "dump_site": 1, "no_sorting": 1, "hazardous_mixed": 1}, "roads": {"road_dirty": 3}})
    record_change(db.session, "round", round_.id, township_id)
    db.session.commit()
    return HouseholdRound(round_.id, group_a.id, group_b.id,
                          {k: h.id for k, h in rows.items()}, late.id)
