"""Household rounds made as an admin makes them: the default household rubric installed
as migration 0013 installs it, households in a few groups, and rounds with a subject
created through the API (call the model helpers in an app context)."""
from datetime import date, timedelta

from server.admin.rubrics import install_household_rubric
from server.changes import record_change
from server.extensions import db
from server.models import Household, VillagerGroup


def household_rubric_version() -> int:
    """The default household rubric's version, installed if the database has none."""
    version = install_household_rubric().version
    db.session.commit()
    return version


def add_households(group_id: int, *numbers: str) -> list[int]:
    """Households of the group (head: 户主<number>), for the phones; their ids."""
    group = db.session.get(VillagerGroup, group_id)
    rows = [Household(group_id=group_id, township_id=group.village.township_id,
                      number=number, head=f"户主{number}") for number in numbers]
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        record_change(db.session, "household", row.id, row.township_id)
    db.session.commit()
    return [row.id for row in rows]


def round_body(starts: date, days: int = 27, **fields) -> dict:
    return {"name": "入户检查", "name_en": "Household checks", "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=days)).isoformat(), **fields}


def this_round_period(ref) -> date:
    """The first day of the seeded (group) round: a household round may share it."""
    return date.fromisoformat(ref["round"]["starts_on"])
