"""Pushed inspections (contract, "Push"): what is particular to them in the push
machinery. They are checked against the caller's township (rubric, round, group),
noted late when their round is no longer open, flagged with the evidence flags, and
announced to the phones and to the round's ranking."""
from dataclasses import dataclass, field

from sync.merge import INSPECTION
from sync.reasons import Reason
from sync.states import HAS_ISSUES, OPEN, RECEIVED, REVIEW_DECISIONS
from sync.validation import household_reasons, inspection_reasons, rubric_kinds

from ..admin.rubrics import rubrics_by_version
from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import (Assignment, Household, Inspection, InspectionRevision, Photo, Round, User,
                      Village, VillagerGroup)
from ..review.resubmissions import RESUBMITTED
from .evidence import Evidence, FlagSubject, refresh_sharing_inspections
from .kinds import Change, Kind, PushContext


@dataclass
class TownshipFacts:
    """The caller's township as pushed inspections need it, loaded once per push."""
    rubrics: dict      # version → rubric
    rounds: dict       # id → Round
    groups: dict       # id → (lat, lon)
    assigned: set      # (round_id, group_id) assigned to the caller
    township_id: int = 0
    kinds: dict = field(default_factory=dict)  # rubric_kinds(rubrics)
    # household id → its group, loaded once a household inspection needs it (thousands
    # of them: a push of group inspections never reads them)
    _households: dict | None = field(default=None, repr=False)

    def household_group(self, household_id) -> int | None:
        if self._households is None:
            self._households = dict(db.session.execute(
                db.select(Household.id, Household.group_id)
                .where(Household.township_id == self.township_id)).all())
        return self._households.get(household_id)

    @classmethod
    def load(cls, user: User) -> "TownshipFacts":
        rounds = {r.id: r for r in db.session.execute(
            db.select(Round).where(Round.township_id == user.township_id)).scalars()}
        groups = {g_id: (lat, lon) for g_id, lat, lon in db.session.execute(
            db.select(VillagerGroup.id, VillagerGroup.lat, VillagerGroup.lon)
            .join(Village).where(Village.township_id == user.township_id))}
        assigned = {tuple(row) for row in db.session.execute(
            db.select(Assignment.round_id, Assignment.group_id)
            .where(Assignment.user_id == user.id))}
        rubrics = rubrics_by_version(township_id=user.township_id)
        return cls(rubrics, rounds, groups, assigned, user.township_id, rubric_kinds(rubrics))

    def reasons(self, payload) -> dict[str, list[Reason]]:
        """The payload's shape and rubric, then round and group in the caller's township."""
        reasons = inspection_reasons(payload, self.rubrics, self.kinds)
        if reasons:
            return reasons
        if payload["round_id"] not in self.rounds:
            reasons["round_id"] = [Reason("unknown_round")]
        if payload["group_id"] not in self.groups:
            reasons["group_id"] = [Reason("unknown_group")]
        round_ = self.rounds.get(payload["round_id"])
        if round_ is not None:
            household_id = payload.get("household_id")
            reasons.update(household_reasons(
                payload, round_.subject,
                self.household_group(household_id) if household_id is not None else None))
        return reasons

    def subject(self, change: Change) -> FlagSubject:
        """The inspection as written, with what its flags need to know of the township."""
        row = change.row
        round_ = self.rounds[row["round_id"]]
        lat, lon = self.groups[row["group_id"]]
        return FlagSubject(
            id=row["id"], township_id=row["township_id"], round_id=row["round_id"],
            group_id=row["group_id"],
            content={"started_at": row["started_at"], "finished_at": row["finished_at"],
                     "criteria": row["criteria"], "photos": change.photos},
            group_lat=lat, group_lon=lon, round_start=round_.starts_on,
            round_end=round_.ends_on,
            assigned=(row["round_id"], row["group_id"]) in self.assigned,
            received_at=row["received_at"], late=row["late"], has_conflict=row["has_conflict"])


def settle_inspections(ctx: PushContext, changes: list[Change], blobs: dict) -> None:
    """Lateness, then the evidence flags of each inspection and photo as written."""
    facts = ctx.facts(INSPECTIONS)
    for change in changes:
        note_lateness(change.row, facts.rounds[change.row["round_id"]])
    subjects = [facts.subject(change) for change in changes]
    evidence = Evidence.load(subjects, blobs)
    ids = {subject.id for subject in subjects}
    for change, subject in zip(changes, subjects):
        change.row["flags"], photo_flags = evidence.flags_of(subject)
        for photo, flags in zip(change.photos, photo_flags):
            photo["flags"] = flags
        change.shares_photos_with = evidence.shown_in_township(subject) - ids


def note_lateness(inspection: dict, round_: Round) -> None:
    """Pushed once its round is closed or published: stored, never lost, but counted only
    after a supervisor admits it (again, if it was admitted before this edit)."""
    if round_.state != OPEN:
        inspection.update(late=True, admitted_at=None, admitted_by=None)


def review_state_after_edit(state: str, changed: bool) -> str:
    """An edit that changes anything of a reviewed inspection (a re-shot photo too)
    returns it to the supervisor's queue: a review never stands on data the supervisor
    has not seen. Sent back with issues, any push is the inspector's answer."""
    return RECEIVED if state == HAS_ISSUES or (changed and state in REVIEW_DECISIONS) \
        else state


def announce_inspections(ctx: PushContext, changes: list[Change]) -> None:
    """A reviewed inspection the edit returned to the queue is audited as re-submitted
    (the review page reads what changed since the review from the revisions); the
    township's inspections showing the same photos gain their duplicate flag; the
    inspector's phones pull the inspections again."""
    for change in changes:
        before = change.stored["review_state"] if change.stored else None
        if before is not None and before != change.row["review_state"]:
            record_audit(RESUBMITTED, "inspection", change.row["id"], user=ctx.user,
                         detail={"from": before, "to": change.row["review_state"],
                                 "version": change.row["version"],
                                 "client_rev": change.payload["client_rev"]})
        record_change(db.session, "inspection", change.row["id"], ctx.user.township_id,
                      owner_id=ctx.user.id)
    refresh_sharing_inspections(set().union(*(c.shares_photos_with for c in changes)),
                                {p["sha256"] for c in changes for p in c.photos})
    db.session.flush()  # here, not inside the next savepoint, which may be rolled back


INSPECTIONS = Kind(
    name="inspection", model=Inspection, revision=InspectionRevision, photo=Photo,
    parent="inspection_id", shape=INSPECTION,
    facts=TownshipFacts.load, reasons=TownshipFacts.reasons,
    settle=settle_inspections, announce=announce_inspections,
    not_owner="not_owner", photo_taken="photo_id_taken",
    columns={"late": False, "admitted_at": None, "admitted_by": None},
    after_edit=review_state_after_edit)
