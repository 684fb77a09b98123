"""A household's checks (household-round inspections) for its page: newest first, a
page at a time from the inspections' household index, each scored as the review sees
it (its photos and rubric read for the whole page at once)."""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from sync.states import SUBMITTED

from ..extensions import db
from ..models import Household, Inspection
from ..points.statements import Page, page_of
from .scoring import rubrics_for, scored

PAGE_SIZE = 20


@dataclass
class CheckRow:
    inspection: Inspection
    score: object          # sync.rubric.InspectionScore


def checks_page(household: Household, page: int) -> Page:
    where = (Inspection.household_id == household.id, Inspection.status == SUBMITTED)
    total = db.session.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
    page, pages = page_of(total, page, PAGE_SIZE)
    inspections = db.session.execute(
        db.select(Inspection).where(*where)
        .order_by(Inspection.received_at.desc(), Inspection.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        .options(joinedload(Inspection.round), selectinload(Inspection.photos))
    ).scalars().all()
    rubrics = rubrics_for(inspections)
    return Page([CheckRow(i, scored(i, rubrics).score) for i in inspections],
                total, page, pages)
