"""Publishing a round's Red and Black Lists (domain.md, "Round lifecycle"): only a
closed round, after a supervisor has seen what the lists rest on; the lists are frozen
as a published snapshot (snapshots.py) and the Black List's rectifications opened.
A household round is published the same way, its results frozen instead of lists; it
opens no rectification, and its households' points are credited from the snapshot.
"""
from dataclasses import dataclass

import sqlalchemy as sa

from sync.states import HAS_ISSUES, HOUSEHOLD_SUBJECT, OPEN, PUBLISHED, RECEIVED

from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import Inspection, Round, User
from ..points.check_credits import credit_round
from ..errors import Problem, Problems
from .household_results import compute_results
from .rankings import as_shown, ranking_to_publish, round_info
from .reasons import spelled
from .rectifications import carried_over, open_rectifications
from .scoring import counted_clause
from .snapshots import HOUSEHOLD_RESULTS, ROUND_LISTS, freeze, snapshot, versions


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


def publish(round_: Round, user: User) -> dict:
    """Freezes the round's lists as its next published version and opens the Black
    List's rectifications; refused while the round is open (check_publishable). The
    round is locked before anything is read, so two supervisors publishing at once make
    two versions in turn, each of what it read. Never commits (the caller does)."""
    db.session.execute(db.select(Round).where(Round.id == round_.id).with_for_update()
                       .execution_options(populate_existing=True))
    check_publishable(round_)
    if round_.subject == HOUSEHOLD_SUBJECT:
        return _publish_household_round(round_, user)
    ranking = ranking_to_publish(round_)
    round_.state = PUBLISHED
    frozen = freeze(ROUND_LISTS, round_.id, {**ranking.result, "round": round_info(round_)},
                    user)
    record_audit("publish_round", "round", round_.id, user=user,
                 detail={"version": frozen.version, "inputs_seq": ranking.inputs_seq})
    record_change(db.session, "round", round_.id, round_.township_id)
    open_rectifications(round_, frozen, ranking.scored, user)
    return _as_published(round_, frozen.result)


def _publish_household_round(round_: Round, user: User) -> dict:
    """Freezes a household round's results (every household scored now, under the
    round's lock) as its next version; no list, so no rectification."""
    round_.state = PUBLISHED
    frozen = freeze(HOUSEHOLD_RESULTS, round_.id, compute_results(round_), user)
    record_audit("publish_round", "round", round_.id, user=user,
                 detail={"version": frozen.version, "subject": HOUSEHOLD_SUBJECT})
    record_change(db.session, "round", round_.id, round_.township_id)
    credit_check_points(round_, frozen, user)
    return frozen.result


def credit_check_points(round_: Round, frozen, user: User) -> None:
    """The households' points from this version (server/points/check_credits.py): a
    `check` on first credit, an `adjust` of what changed since, nothing when nothing did."""
    credit_round(round_, frozen.result, frozen.version, user)


def published_ranking(round_: Round, version: int | None = None) -> dict | None:
    """A published snapshot (the latest unless `version` is given), as it was frozen,
    its reasons spelt out, with the earlier rounds' rectifications still open."""
    found = snapshot(ROUND_LISTS, round_.id, version)
    return None if found is None else _as_published(round_, found.result)


def _as_published(round_: Round, result: dict) -> dict:
    return {**spelled(as_shown(result)), "carried_over": carried_over(round_)}


def published_versions(round_id: int) -> list:
    return versions(ROUND_LISTS, round_id, results=False)
