"""What a round's lists rest on, shown before a supervisor publishes them
(domain.md, "Round lifecycle": only a closed round is published, after confirmation)."""
from dataclasses import dataclass

import sqlalchemy as sa

from sync.states import HAS_ISSUES, OPEN, RECEIVED

from ..extensions import db
from ..models import Inspection, Round
from ..errors import Problem, Problems
from .scoring import counted_clause


def check_publishable(round_: Round) -> None:
    """Only a closed (or already published) round's lists can be published."""
    if round_.state == OPEN:
        raise Problems([Problem("round_not_closed", status=409)])


@dataclass
class PublishBasis:
    """Counts and groups a supervisor should see before the lists go public."""
    received: int             # counted, not reviewed yet
    has_issues: int           # counted, sent back to the inspector
    conflicts: int            # a push conflicted and nobody resolved it
    waiting_admission: int    # late, not counted unless admitted
    not_inspected: list       # groups with no counted inspection (not ranked)
    single_inspection: list   # listed groups whose place rests on one inspection

    @property
    def clean(self) -> bool:
        return not (self.received or self.has_issues or self.conflicts
                    or self.waiting_admission or self.not_inspected
                    or self.single_inspection)


def publish_basis(round_: Round, ranking: dict) -> PublishBasis:
    """`ranking`: the round's live ranking (what publishing would freeze)."""
    counts = dict(db.session.execute(
        db.select(Inspection.review_state, sa.func.count())
        .where(Inspection.round_id == round_.id, counted_clause(),
               Inspection.review_state.in_((RECEIVED, HAS_ISSUES)))
        .group_by(Inspection.review_state)).all())
    conflicts, waiting = db.session.execute(
        db.select(sa.func.count().filter(Inspection.has_conflict.is_(True)),
                  sa.func.count().filter(Inspection.late.is_(True),
                                         Inspection.admitted_at.is_(None)))
        .where(Inspection.round_id == round_.id)).one()
    return PublishBasis(
        received=counts.get(RECEIVED, 0), has_issues=counts.get(HAS_ISSUES, 0),
        conflicts=conflicts, waiting_admission=waiting,
        not_inspected=ranking["not_inspected"],
        single_inspection=[g for g in ranking["groups"] if g["list"] and g["low_confidence"]])
