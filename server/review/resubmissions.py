"""Inspections the inspector edited after a supervisor reviewed them (domain.md,
"Inspection states and review"): the edit returns the inspection to `received`, back in
the queue marked re-submitted, and the supervisor sees what changed since the review, so
a review never stands on data the supervisor has not seen.

The push decides the state (phones/inspections.py) and audits it as RESUBMITTED; what
changed is read from the revisions kept in full: the content at the review's version
against the content now."""
from __future__ import annotations

from dataclasses import dataclass, field

from sync.merge import INSPECTION
from sync.states import CHANGED_OUTCOMES, RECEIVED

from ..extensions import db
from ..models import AuditEntry, Inspection, InspectionRevision
from ..phones.content import content_from_row

REVIEWED = "review_inspection"
RESUBMITTED = "resubmit_inspection"


@dataclass
class Leaf:
    """One changed value: a top-level field ("note", "gps", ...) or a criterion's leaf
    (criterion, "na" | "note" | "deductions", item)."""
    field: str
    criterion: str | None
    part: str | None
    item: str | None
    before: object
    after: object


@dataclass
class ChangesSinceReview:
    state: str                  # the review the edit undid: approved, has_issues, rejected
    reviewed_at: object
    leaves: list[Leaf] = field(default_factory=list)
    new_photos: list = field(default_factory=list)   # Photo rows, in the inspection's order


def resubmitted_ids(inspections) -> set[str]:
    """Of these inspections, those received again after a review: their latest review
    state change in the audit log is a re-submission."""
    received = [i.id for i in inspections if i.review_state == RECEIVED]
    if not received:
        return set()
    latest = {}
    for entity_id, action in db.session.execute(
            db.select(AuditEntry.entity_id, AuditEntry.action).where(
                AuditEntry.entity_type == "inspection", AuditEntry.entity_id.in_(received),
                AuditEntry.action.in_((REVIEWED, RESUBMITTED))).order_by(AuditEntry.id)):
        latest[entity_id] = action
    return {entity_id for entity_id, action in latest.items() if action == RESUBMITTED}


def changes_since_review(inspection: Inspection) -> ChangesSinceReview | None:
    """What changed since the latest review, if the inspection is re-submitted."""
    if inspection.id not in resubmitted_ids([inspection]):
        return None
    review = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.entity_type == "inspection", AuditEntry.entity_id == inspection.id,
        AuditEntry.action == REVIEWED).order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    if review is None:
        return None
    reviewed_version = (review.detail or {}).get("version", 0)
    at_review = db.session.execute(db.select(InspectionRevision).where(
        InspectionRevision.inspection_id == inspection.id,
        InspectionRevision.version <= reviewed_version,
        InspectionRevision.outcome.in_(CHANGED_OUTCOMES))
        .order_by(InspectionRevision.version.desc(), InspectionRevision.id.desc())
        .limit(1)).scalar_one_or_none()
    before = at_review.resulting_content() if at_review else {}
    now = content_from_row(inspection)
    seen = {photo.get("id") for photo in before.get("photos") or []}
    return ChangesSinceReview(
        state=(review.detail or {}).get("to"), reviewed_at=review.created_at,
        leaves=changed_leaves(before, now),
        new_photos=[photo for photo in inspection.photos if photo.id not in seen])


def changed_leaves(before: dict, after: dict) -> list[Leaf]:
    """Leaf by leaf, as the merge sees them (an absent count is 0, an absent note "")."""
    found = []
    for name in INSPECTION.scalar_fields:
        old, new = before.get(name), after.get(name)
        if name == "note":
            old, new = old or "", new or ""
        if old != new:
            found.append(Leaf(name, None, None, None, old, new))
    old_criteria, new_criteria = before.get("criteria") or {}, after.get("criteria") or {}
    for key in sorted(set(old_criteria) | set(new_criteria)):
        old = INSPECTION.leaves(old_criteria.get(key) or {})
        new = INSPECTION.leaves(new_criteria.get(key) or {})
        for leaf in sorted(set(old) | set(new)):
            default = 0 if leaf[0] == "deductions" else INSPECTION.leaves({}).get(leaf)
            if old.get(leaf, default) != new.get(leaf, default):
                found.append(Leaf("criteria", key, leaf[0], leaf[1] if len(leaf) > 1 else None,
                                  old.get(leaf, default), new.get(leaf, default)))
    return found
