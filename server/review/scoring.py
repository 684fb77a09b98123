"""An inspection's score as the ranking sees it: the one scoring path of the server.

sync.rubric scores the criteria and sync.flags names the void deductions (every
supporting photo rejected on review); the ranking, the review pages and actions, and
the exports all score through here, so each shows the number the ranking counts (and
the phone computes the same from the photo reviews it pulls, pwa/score.js).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa
from sync.flags import void_deductions
from sync.rubric import InspectionScore, score_inspection
from sync.states import COUNTED_STATES

from ..admin.rubrics import rubrics_by_version
from ..extensions import db
from ..models import Inspection, Photo, Round


def counted_clause():
    """What the ranking counts: submitted, not rejected, and not late unless a
    supervisor admitted it (domain.md, "Merging into rankings" and "Round lifecycle")."""
    return sa.and_(Inspection.status == "submitted",
                   Inspection.review_state.in_(COUNTED_STATES),
                   sa.or_(Inspection.late.is_(False), Inspection.admitted_at.is_not(None)))


@dataclass(frozen=True)
class ScoredInspection:
    """One submitted inspection, scored as the ranking sees it."""
    id: str
    group_id: int
    inspector_id: int
    review_state: str
    score: InspectionScore
    void: frozenset          # {(criterion, item)} dropped for lack of accepted evidence
    # Late and not admitted: stored and shown, not counted.
    waiting_admission: bool = False
    household_id: int | None = None   # the household checked, in a household round

    @property
    def counted(self) -> bool:
        return self.review_state in COUNTED_STATES and not self.waiting_admission


def _void(criteria: dict | None, photos: list, rejected: set) -> frozenset:
    if not rejected:
        return frozenset()   # the common case: nothing rejected, nothing to look at
    return void_deductions({"criteria": criteria, "photos": photos}, rejected)


def _photo_support(inspection: Inspection) -> tuple[list, set]:
    photos = [{"id": p.id, "criterion": p.criterion, "item": p.item} for p in inspection.photos]
    return photos, {p.id for p in inspection.photos if p.accepted is False}


def void_of(inspection: Inspection) -> frozenset:
    """The deductions of a loaded inspection that its photo reviews made void."""
    return _void(inspection.criteria, *_photo_support(inspection))


def rubrics_for(inspections: Iterable[Inspection]) -> dict[int, dict]:
    """The rubric versions these inspections were recorded with (three queries)."""
    return rubrics_by_version({i.rubric_version for i in inspections})


def scored(inspection: Inspection, rubrics: dict[int, dict]) -> ScoredInspection:
    """One loaded inspection (its photos with it), scored with its void deductions dropped."""
    void = void_of(inspection)
    score = score_inspection(rubrics[inspection.rubric_version], inspection.criteria or {}, void)
    return ScoredInspection(inspection.id, inspection.group_id, inspection.inspector_id,
                            inspection.review_state, score, void,
                            inspection.late and inspection.admitted_at is None,
                            inspection.household_id)


def rejected_photo_support(round_id: int) -> dict[str, dict]:
    """{inspection_id: {"photos": [...], "rejected": {ids}}} for inspections of the round
    that have at least one rejected photo (usually few): two queries in all."""
    rejected = db.session.execute(
        db.select(Photo.inspection_id, Photo.id).join(Inspection)
        .where(Inspection.round_id == round_id, Photo.accepted.is_(False))).all()
    if not rejected:
        return {}
    out = {}
    for inspection_id, photo_id in rejected:
        out.setdefault(inspection_id, {"photos": [], "rejected": set()})["rejected"].add(photo_id)
    rows = db.session.execute(
        db.select(Photo.inspection_id, Photo.id, Photo.criterion, Photo.item)
        .where(Photo.inspection_id.in_(list(out)))).all()
    for inspection_id, photo_id, criterion, item in rows:
        out[inspection_id]["photos"].append(
            {"id": photo_id, "criterion": criterion, "item": item})
    return out


def scored_inspections(round_: Round, *, include_uncounted: bool = False,
                       rubrics: dict | None = None, only=None) -> list[ScoredInspection]:
    """The round's submitted inspections (counted ones only unless include_uncounted:
    then late ones waiting for admission too; `only`: a condition narrowing them, such as
    one page of a household round's households),
    each scored with its void deductions dropped: a handful of queries for the round."""
    rubrics = rubrics or rubrics_by_version()
    query = db.select(Inspection.id, Inspection.group_id, Inspection.inspector_id,
                      Inspection.review_state, Inspection.rubric_version, Inspection.criteria,
                      Inspection.household_id,
                      sa.and_(Inspection.late, Inspection.admitted_at.is_(None))
                      .label("waiting")).where(
        Inspection.round_id == round_.id, Inspection.status == "submitted")
    if not include_uncounted:
        query = query.where(counted_clause())
    if only is not None:
        query = query.where(only)
    support = rejected_photo_support(round_.id)
    fallback = rubrics.get(round_.rubric.version)
    none = {"photos": [], "rejected": set()}
    out = []
    for row in db.session.execute(query.order_by(Inspection.id)):
        evidence = support.get(row.id, none)
        void = _void(row.criteria, evidence["photos"], evidence["rejected"])
        score = score_inspection(rubrics.get(row.rubric_version, fallback), row.criteria or {},
                                 void)
        out.append(ScoredInspection(row.id, row.group_id, row.inspector_id, row.review_state,
                                    score, void, bool(row.waiting), row.household_id))
    return out
