"""Applying pushed inspections and rechecks: the five outcomes of the contract, each
atomic. Both go through the same machinery; a `Kind` says what differs between them.

New inspections (the common case: a phone back from the villages) are written in bulk
inside one savepoint. Everything else goes one by one, each in its own savepoint: the
row is locked (SELECT ... FOR UPDATE on PostgreSQL) before it is read, and a row that
another request inserted first is detected by the primary key and retried as an
update, so two pushes racing never both apply the same revision. If the bulk insert
loses such a race, its inspections simply take the one-by-one path.
"""
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sync.merge import CONTENT_FIELDS, INSPECTION, Shape, content_of, merge_revisions
from sync.reasons import Reason, as_data, english
from sync.rectification import item_key
from sync.states import (APPLIED, CHANGED_OUTCOMES, CONFLICT, DUPLICATE, HAS_ISSUES, MERGED,
                         OPEN, RECEIVED, REJECTED_PUSH)
from sync.validation import inspection_reasons

from ..changes import record_change
from .evidence import (FlagContext, compute_flags, refresh_flags, refresh_sharing_inspections,
                       shas_shown_elsewhere, unreadable_among)
from ..extensions import db
from .content import apply_content, content_from_row
from ..admin.rubrics import rubrics_by_version
from ..models import (Assignment, Blob, Inspection, InspectionRevision, Photo, Rectification,
                     RectificationItem, Round, User, Village, VillagerGroup, utcnow)


@dataclass
class ReferenceData:
    """The caller's township as a push needs it, loaded once per push."""
    rounds: dict       # id → Round
    groups: dict       # id → (lat, lon)
    assigned: set      # (round_id, group_id) assigned to the caller

    @classmethod
    def load(cls, user: User) -> "ReferenceData":
        rounds = {r.id: r for r in db.session.execute(
            db.select(Round).where(Round.township_id == user.township_id)).scalars()}
        groups = {g_id: (lat, lon) for g_id, lat, lon in db.session.execute(
            db.select(VillagerGroup.id, VillagerGroup.lat, VillagerGroup.lon)
            .join(Village).where(Village.township_id == user.township_id))}
        assigned = {tuple(row) for row in db.session.execute(
            db.select(Assignment.round_id, Assignment.group_id)
            .where(Assignment.user_id == user.id))}
        return cls(rounds, groups, assigned)

    def reasons(self, payload: dict) -> dict[str, list[Reason]]:
        """Round and group must exist in the caller's township."""
        reasons = {}
        if payload["round_id"] not in self.rounds:
            reasons["round_id"] = [Reason("unknown_round")]
        if payload["group_id"] not in self.groups:
            reasons["group_id"] = [Reason("unknown_group")]
        return reasons

    def flag_context(self, content: dict, received_at, duplicate_shas=(), near_shas=()):
        round_ = self.rounds[content["round_id"]]
        lat, lon = self.groups[content["group_id"]]
        return FlagContext(group_lat=lat, group_lon=lon, round_start=round_.starts_on,
                           round_end=round_.ends_on, received_at=received_at,
                           assigned=(content["round_id"], content["group_id"]) in self.assigned,
                           late=round_.state != OPEN, duplicate_shas=set(duplicate_shas),
                           near_shas=set(near_shas))


@dataclass
class PushContext:
    user: User
    client_id: str
    touched_rounds: set = field(default_factory=set)

    # Loaded only when some inspection is not a retry: a replayed push needs neither.
    @cached_property
    def rubrics(self) -> dict[int, dict]:
        return rubrics_by_version(township_id=self.user.township_id)

    @cached_property
    def refs(self) -> ReferenceData:
        return ReferenceData.load(self.user)

    @cached_property
    def rectification_items(self) -> dict[int, list[str]]:
        """What rechecks are checked against: the township's rectifications, id → the
        keys of their items ("criterion.item"), in one query."""
        found = {}
        for rectification_id, criterion, item in db.session.execute(
                db.select(Rectification.id, RectificationItem.criterion, RectificationItem.item)
                .outerjoin(RectificationItem)
                .where(Rectification.township_id == self.user.township_id)):
            keys = found.setdefault(rectification_id, [])
            if criterion is not None:
                keys.append(item_key(criterion, item))
        return found


@dataclass(frozen=True)
class Kind:
    """What differs between the records a push carries (inspections, rechecks)."""
    model: type
    revision: type
    photo: type
    parent: str         # the column naming the record in its revisions and photos
    shape: Shape
    reasons: Callable   # (ctx, payload) → {path: [Reason]}, validation with the database's facts
    refresh: Callable   # (ctx, row) after its content changed, inside its savepoint
    announce: Callable  # (ctx, row) once stored: what phones must pull again
    not_owner: str      # reason codes
    photo_taken: str

    def parent_of(self, model):
        return getattr(model, self.parent)


class Rejected(Exception):
    def __init__(self, reasons: dict[str, list[Reason]]):
        self.reasons = reasons


@dataclass
class Outcome:
    name: str
    version: int


def new_result(payload) -> dict:
    result = {"id": None, "client_rev": None, "outcome": REJECTED_PUSH, "version": None,
              "errors": {}, "reasons": {}, "missing_blobs": []}
    if isinstance(payload, dict):
        result["id"], result["client_rev"] = payload.get("id"), payload.get("client_rev")
    return result


def reject(result: dict, reasons: dict[str, list[Reason]]) -> None:
    """Why, both ways: `errors` in English (the contract) and `reasons` as codes with
    parameters, which the phone translates."""
    result["errors"], result["reasons"] = english(reasons), as_data(reasons)


def push_records(user: User, client_id: str, inspections: list,
                 rechecks: list = ()) -> tuple[list[dict], list[dict]]:
    """Applies each payload; the caller commits. Returns one result per inspection and
    one per recheck."""
    from .rechecks import RECHECKS  # rechecks are built on this module

    ctx = PushContext(user=user, client_id=client_id)
    results = push_batch(ctx, INSPECTIONS, inspections)
    recheck_results = push_batch(ctx, RECHECKS, list(rechecks))
    return results, recheck_results


def push_batch(ctx: PushContext, kind: Kind, payloads: list) -> list[dict]:
    results = [new_result(p) for p in payloads]
    # A retry is answered before anything else: it was validated when first stored.
    retries = [i for i, p in enumerate(payloads) if isinstance(p, dict)
               and isinstance(p.get("id"), str) and type(p.get("client_rev")) is int]
    known = answer_duplicates(ctx, kind, retries, payloads, results)
    valid = []
    for index, payload in enumerate(payloads):
        if results[index]["outcome"] == DUPLICATE:
            continue
        reasons = kind.reasons(ctx, payload)
        if reasons:
            reject(results[index], reasons)
        else:
            valid.append(index)
    shas = {i: photo_shas(p) for i, p in enumerate(payloads) if isinstance(p, dict)}
    stored_blobs = blobs_present(set().union(*shas.values()))
    others = valid
    if kind is INSPECTIONS:  # rechecks are few: one by one is enough
        fresh, others = split_fresh(valid, payloads, known)
        if fresh and not create_in_bulk(ctx, [payloads[i] for i in fresh],
                                        [results[i] for i in fresh], stored_blobs):
            others = sorted(others + fresh)
    for index in others:
        push_one(ctx, kind, payloads[index], results[index])
    for index, result in enumerate(results):
        if result["outcome"] != REJECTED_PUSH:
            result["missing_blobs"] = sorted(shas[index] - stored_blobs.keys())
    return results


def split_fresh(valid: list[int], payloads: list, known: set[str]) -> tuple[list[int], list[int]]:
    """Inspections the server has never seen, each once in this push with photo ids of
    its own. (A photo id some stored inspection has makes the bulk insert fail on the
    primary key; the one-by-one path then rejects just that inspection.)"""
    ids = Counter(payloads[i]["id"] for i in valid)
    photo_ids = Counter(p["id"] for i in valid for p in payloads[i].get("photos") or [])
    fresh, others = [], []
    for index in valid:
        payload = payloads[index]
        if (payload["id"] in known or ids[payload["id"]] > 1
                or any(photo_ids[p["id"]] > 1 for p in payload.get("photos") or [])):
            others.append(index)
        else:
            fresh.append(index)
    return fresh, others


def answer_duplicates(ctx: PushContext, kind: Kind, indices: list[int], payloads: list,
                      results: list[dict]) -> set[str]:
    """Answers retries of revisions already stored, with two queries for the batch;
    returns the ids of the records the server holds."""
    ids = {payloads[i]["id"] for i in indices}
    if not ids:
        return set()
    model, revision = kind.model, kind.revision
    owners = {row.id: row.inspector_id for row in db.session.execute(
        db.select(model.id, model.inspector_id).where(model.id.in_(ids)))}
    stored = {}  # record id → {client_rev: version} from this device
    for record_id, client_rev, version in db.session.execute(
            db.select(kind.parent_of(revision), revision.client_rev, revision.version)
            .where(kind.parent_of(revision).in_(ids), revision.client_id == ctx.client_id)):
        stored.setdefault(record_id, {})[client_rev] = version
    for index in indices:
        payload = payloads[index]
        revs = stored.get(payload["id"], {})
        later = [rev for rev in revs if rev > payload["client_rev"]]
        if owners.get(payload["id"]) != ctx.user.id or not (payload["client_rev"] in revs or later):
            continue
        rev = payload["client_rev"] if payload["client_rev"] in revs else max(later)
        results[index].update(outcome=DUPLICATE, version=revs[rev])
    return set(owners)


def create_in_bulk(ctx: PushContext, payloads: list[dict], results: list[dict],
                   stored_blobs: dict[str, str | None]) -> bool:
    """Inserts new inspections with their photos and first revisions in a few
    statements. False if another request inserted one of them first."""
    now = utcnow()
    contents = [content_view(p) for p in payloads]
    shas = {p["sha256"] for c in contents for p in c["photos"]}
    shared = shas_shown_elsewhere(shas, {p["id"] for p in payloads})
    in_batch = Counter(sha for c in contents for sha in {p["sha256"] for p in c["photos"]})
    shared |= {sha for sha, n in in_batch.items() if n > 1}
    inspections, photos, revisions = [], [], []
    for payload, content in zip(payloads, contents):
        flags, photo_flags = compute_flags(
            content, ctx.refs.flag_context(content, now, shared), has_conflict=False)
        inspections.append({
            **{k: content[k] for k in content if k != "photos"}, "id": payload["id"],
            "township_id": ctx.user.township_id, "inspector_id": ctx.user.id, "version": 1,
            "review_state": "received", "flags": flags, "has_conflict": False,
            "late": ctx.refs.rounds[payload["round_id"]].state != OPEN,
            "received_at": now, "updated_at": now})
        photos += [{**record, "inspection_id": payload["id"], "position": n, "flags": f}
                   for n, (record, f) in enumerate(zip(content["photos"], photo_flags))]
        revisions.append(revision_row(ctx, INSPECTIONS, payload, APPLIED, 1, None, [], now))
    try:
        with db.session.begin_nested():  # Core inserts: the ORM adds nothing here
            db.session.execute(sa.insert(Inspection.__table__), inspections)
            if photos:
                db.session.execute(sa.insert(Photo.__table__), photos)
            db.session.execute(sa.insert(InspectionRevision.__table__), revisions)
    except IntegrityError:
        return False
    for payload, result in zip(payloads, results):
        result.update(outcome=APPLIED, version=1)
        inspection_stored(ctx, payload["id"], payload["round_id"])
    refresh_sharing_inspections({p["id"] for p in payloads}, shared)
    refresh_where_bytes_arrived_first(payloads, stored_blobs)
    return True


def refresh_where_bytes_arrived_first(payloads: list[dict], stored_blobs: dict) -> None:
    """Photos uploaded before their record: near-duplicates need the stored hashes."""
    arrived = {sha for sha, phash in stored_blobs.items() if phash}
    arrived |= unreadable_among(stored_blobs.keys() - arrived)
    ids = [p["id"] for p in payloads
           if any(photo["sha256"] in arrived for photo in p.get("photos") or [])]
    for inspection in db.session.execute(
            db.select(Inspection).where(Inspection.id.in_(ids))).scalars() if ids else ():
        refresh_flags(inspection)


def content_view(payload: dict) -> dict:
    """content_of without the deep copy, for payloads that are only read."""
    return {**{name: payload.get(name) for name in CONTENT_FIELDS},
            "criteria": payload.get("criteria") or {}, "photos": payload.get("photos") or []}


def push_one(ctx: PushContext, kind: Kind, payload: dict, result: dict) -> None:
    for attempt in (1, 2):
        try:
            with db.session.begin_nested():
                outcome, row = apply_revision(ctx, kind, payload)
            break
        except IntegrityError:
            # Another request inserted this record (or photo) first: go again, now as
            # an update of its row.
            if attempt == 2:
                raise
        except Rejected as exc:
            reject(result, exc.reasons)
            return
    if outcome.name != DUPLICATE:
        kind.announce(ctx, row)
    result.update(outcome=outcome.name, version=outcome.version)


def apply_revision(ctx: PushContext, kind: Kind, payload: dict) -> tuple[Outcome, object]:
    row = db.session.execute(
        db.select(kind.model).where(kind.model.id == payload["id"]).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        return create_record(ctx, kind, payload)
    if row.inspector_id != ctx.user.id:
        raise Rejected({"id": [Reason(kind.not_owner)]})
    earlier = find_earlier_revision(kind, row.id, ctx.client_id, payload["client_rev"])
    if earlier is not None:
        return Outcome(DUPLICATE, earlier.version), row
    return update_record(ctx, kind, row, payload)


def find_earlier_revision(kind: Kind, record_id: str, client_id: str, client_rev: int):
    """This revision, or a later one from the same device, if already received."""
    revision = kind.revision
    return db.session.execute(
        db.select(revision).where(
            kind.parent_of(revision) == record_id,
            revision.client_id == client_id,
            revision.client_rev >= client_rev)
        .order_by((revision.client_rev == client_rev).desc(), revision.id.desc())
        .limit(1)).scalar_one_or_none()


def check_photo_ids(kind: Kind, content: dict, record_id: str) -> None:
    ids = [p["id"] for p in content["photos"]]
    if not ids:
        return
    taken = db.session.execute(db.select(kind.photo.id).where(
        kind.photo.id.in_(ids), kind.parent_of(kind.photo) != record_id)).scalars().all()
    if taken:
        raise Rejected({f"photos.{ids.index(i)}.id": [Reason(kind.photo_taken)]
                        for i in taken})


def create_record(ctx: PushContext, kind: Kind, payload: dict) -> tuple[Outcome, object]:
    content = content_of(payload, kind.shape)
    check_photo_ids(kind, content, payload["id"])
    now = utcnow()
    row = kind.model(id=payload["id"], township_id=ctx.user.township_id,
                     inspector_id=ctx.user.id, version=1, review_state=RECEIVED,
                     received_at=now, updated_at=now, flags=[])
    apply_content(row, content, kind.shape, kind.photo)
    db.session.add(row)
    db.session.flush()
    add_revision(ctx, kind, row, payload, APPLIED, None)
    kind.refresh(ctx, row)
    return Outcome(APPLIED, row.version), row


def base_content(ctx: PushContext, kind: Kind, row, payload: dict) -> dict | None:
    """What the phone's edit started from.

    Its own latest revision if the phone never saw a later server version (a lost
    reply leaves base_version behind); else the content at base_version.
    """
    revision = kind.revision
    own = db.session.execute(
        db.select(revision).where(
            kind.parent_of(revision) == row.id, revision.client_id == ctx.client_id)
        .order_by(revision.client_rev.desc()).limit(1)).scalar_one_or_none()
    base_version = payload.get("base_version")
    if own is not None and (base_version is None or base_version < own.version):
        return content_of(own.payload, kind.shape)
    if base_version is None:
        return None
    at_base = db.session.execute(
        db.select(revision).where(
            kind.parent_of(revision) == row.id, revision.version <= base_version,
            revision.outcome.in_(CHANGED_OUTCOMES))
        .order_by(revision.version.desc(), revision.id.desc()).limit(1)
    ).scalar_one_or_none()
    return at_base.resulting_content() if at_base else None


def update_record(ctx: PushContext, kind: Kind, row, payload: dict) -> tuple[Outcome, object]:
    theirs = content_of(payload, kind.shape)
    check_photo_ids(kind, theirs, row.id)
    ours = content_from_row(row, kind.shape)
    base = base_content(ctx, kind, row, payload)
    merge = merge_revisions(base, ours, theirs, kind.shape)
    if merge.conflicts:
        outcome = CONFLICT
    elif base is not None and not merge_revisions(base, base, ours, kind.shape).changed:
        outcome = APPLIED  # nothing happened on the server since this edit's base
    else:
        outcome = MERGED
    apply_content(row, merge.merged, kind.shape, kind.photo)
    row.version += 1
    row.updated_at = utcnow()
    if merge.conflicts:
        row.has_conflict = True
    if row.review_state == HAS_ISSUES:
        row.review_state = RECEIVED  # the inspector answered the issues
    db.session.flush()
    add_revision(ctx, kind, row, payload, outcome, merge.merged, merge.conflicts)
    kind.refresh(ctx, row)
    return Outcome(outcome, row.version), row


def note_lateness(inspection: Inspection, round_: Round) -> None:
    """Pushed once its round is closed or published: stored, never lost, but counted only
    after a supervisor admits it (again, if it was admitted before this edit)."""
    if round_.state != OPEN:
        inspection.late = True
        inspection.admitted_at = inspection.admitted_by = None


def refresh_inspection(ctx: PushContext, inspection: Inspection) -> None:
    note_lateness(inspection, ctx.refs.rounds[inspection.round_id])
    refresh_flags(inspection)
    refresh_sharing_inspections({inspection.id}, {p.sha256 for p in inspection.photos})


def inspection_stored(ctx: PushContext, inspection_id: str, round_id: int) -> None:
    record_change(db.session, "inspection", inspection_id, ctx.user.township_id,
                  owner_id=ctx.user.id)
    ctx.touched_rounds.add(round_id)


def revision_row(ctx: PushContext, kind: Kind, payload: dict, outcome: str, version: int,
                 content: dict | None, conflicts: list, received_at) -> dict:
    """content: what the record holds after this revision, None if the payload's."""
    return {kind.parent: payload["id"], "client_id": ctx.client_id,
            "client_rev": payload["client_rev"], "base_version": payload.get("base_version"),
            "user_id": ctx.user.id, "outcome": outcome, "version": version,
            "payload": payload, "content": content, "conflicts": conflicts,
            "received_at": received_at}


def add_revision(ctx: PushContext, kind: Kind, row, payload: dict, outcome: str,
                 content: dict | None, conflicts: list | None = None) -> None:
    db.session.add(kind.revision(**revision_row(
        ctx, kind, payload, outcome, row.version, content, conflicts or [], utcnow())))
    db.session.flush()


INSPECTIONS = Kind(
    model=Inspection, revision=InspectionRevision, photo=Photo,
    parent="inspection_id", shape=INSPECTION,
    reasons=lambda ctx, payload: (inspection_reasons(payload, ctx.rubrics)
                                  or ctx.refs.reasons(payload)),
    refresh=refresh_inspection,
    announce=lambda ctx, inspection: inspection_stored(ctx, inspection.id, inspection.round_id),
    not_owner="not_owner", photo_taken="photo_id_taken")


def photo_shas(payload: dict) -> set[str]:
    """The photos' SHA-256s (a retry answered as duplicate was not validated again)."""
    photos = payload.get("photos")
    return {p["sha256"] for p in photos if isinstance(p, dict) and isinstance(
        p.get("sha256"), str)} if isinstance(photos, list) else set()


def blobs_present(wanted: set[str]) -> dict[str, str | None]:
    """The photos whose bytes the server has: sha256 → perceptual hash."""
    if not wanted:
        return {}
    return dict(db.session.execute(db.select(Blob.sha256, Blob.phash).where(
        Blob.sha256.in_(wanted))).all())
