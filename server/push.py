"""Applying pushed inspections: the five outcomes of the contract, each atomic.

Each inspection runs in its own savepoint inside the request's transaction. The row
is locked (SELECT ... FOR UPDATE on PostgreSQL) before it is read, and a new row that
another request inserted first is detected by the primary key and retried as an
update, so two pushes racing never both apply the same revision.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sync.merge import content_of, merge_revisions
from sync.validation import validate_inspection

from .changes import record_change
from .evidence import refresh_flags, refresh_sharing_inspections
from .extensions import db
from .inspection_data import apply_content, content_from_row
from .models import (Blob, Inspection, InspectionRevision, Photo, Round, RubricVersion, User,
                     Village, VillagerGroup, utcnow)


@dataclass
class PushContext:
    user: User
    client_id: str
    rubrics: dict = field(default_factory=dict)
    touched_rounds: set = field(default_factory=set)


class Rejected(Exception):
    def __init__(self, errors: dict):
        self.errors = errors


def load_rubrics() -> dict[int, dict]:
    rubrics = db.session.execute(db.select(RubricVersion)).scalars().all()
    return {r.version: r.to_dict() for r in rubrics}


def push_inspections(user: User, client_id: str, payloads: list) -> list[dict]:
    """Applies each payload; the caller commits. Returns one result per payload."""
    ctx = PushContext(user=user, client_id=client_id, rubrics=load_rubrics())
    results = [push_one(ctx, payload) for payload in payloads]
    if ctx.touched_rounds:
        db.session.execute(sa.update(Round).where(Round.id.in_(ctx.touched_rounds))
                           .values(data_version=Round.data_version + 1))
    return results


def push_one(ctx: PushContext, payload) -> dict:
    result = {"id": None, "client_rev": None, "outcome": "rejected", "version": None,
              "errors": {}, "missing_blobs": []}
    if isinstance(payload, dict):
        result["id"], result["client_rev"] = payload.get("id"), payload.get("client_rev")
    errors = validate_inspection(payload, ctx.rubrics) or check_references(ctx, payload)
    if errors:
        result["errors"] = errors
        return result
    for attempt in (1, 2):
        try:
            with db.session.begin_nested():
                outcome, inspection = apply_revision(ctx, payload)
            break
        except IntegrityError:
            # Another request inserted this inspection (or photo) first: go again,
            # now as an update of its row.
            if attempt == 2:
                raise
        except Rejected as exc:
            result["errors"] = exc.errors
            return result
    if outcome.name != "duplicate":
        record_change(db.session, "inspection", inspection.id, inspection.township_id,
                      owner_id=inspection.inspector_id)
        ctx.touched_rounds.add(inspection.round_id)
    result.update(outcome=outcome.name, version=outcome.version,
                  missing_blobs=missing_blobs(payload["photos"] if "photos" in payload else []))
    return result


def check_references(ctx: PushContext, payload: dict) -> dict:
    """Round and group must exist in the caller's township (the DB half of validation)."""
    errors = {}
    township_id = ctx.user.township_id
    round_ = db.session.get(Round, payload["round_id"])
    if round_ is None or round_.township_id != township_id:
        errors["round_id"] = ["unknown round"]
    group_township = db.session.execute(
        db.select(Village.township_id).join(VillagerGroup)
        .where(VillagerGroup.id == payload["group_id"])).scalar_one_or_none()
    if group_township != township_id:
        errors["group_id"] = ["unknown group"]
    return errors


@dataclass
class Outcome:
    name: str
    version: int


def apply_revision(ctx: PushContext, payload: dict) -> tuple[Outcome, Inspection]:
    inspection = db.session.execute(
        db.select(Inspection).where(Inspection.id == payload["id"]).with_for_update()
    ).scalar_one_or_none()
    if inspection is None:
        return create_inspection(ctx, payload)
    if inspection.inspector_id != ctx.user.id:
        raise Rejected({"id": ["this inspection belongs to another inspector"]})
    earlier = find_earlier_revision(inspection.id, ctx.client_id, payload["client_rev"])
    if earlier is not None:
        return Outcome("duplicate", earlier.version), inspection
    return update_inspection(ctx, inspection, payload)


def find_earlier_revision(inspection_id: str, client_id: str, client_rev: int):
    """This revision, or a later one from the same device, if already received."""
    return db.session.execute(
        db.select(InspectionRevision).where(
            InspectionRevision.inspection_id == inspection_id,
            InspectionRevision.client_id == client_id,
            InspectionRevision.client_rev >= client_rev)
        .order_by(InspectionRevision.client_rev == client_rev, InspectionRevision.id.desc())
        .limit(1)).scalar_one_or_none()


def check_photo_ids(content: dict, inspection_id: str) -> None:
    ids = [p["id"] for p in content["photos"]]
    if not ids:
        return
    taken = db.session.execute(db.select(Photo.id).where(
        Photo.id.in_(ids), Photo.inspection_id != inspection_id)).scalars().all()
    if taken:
        raise Rejected({f"photos.{ids.index(i)}.id": ["used by another inspection"]
                        for i in taken})


def create_inspection(ctx: PushContext, payload: dict) -> tuple[Outcome, Inspection]:
    content = content_of(payload)
    check_photo_ids(content, payload["id"])
    now = utcnow()
    inspection = Inspection(id=payload["id"], township_id=ctx.user.township_id,
                            inspector_id=ctx.user.id, version=1, review_state="received",
                            received_at=now, updated_at=now, flags=[])
    apply_content(inspection, content)
    db.session.add(inspection)
    db.session.flush()
    add_revision(ctx, inspection, payload, "applied", content)
    refresh_flags(inspection)
    refresh_sharing_inspections(inspection)
    return Outcome("applied", inspection.version), inspection


def base_content(ctx: PushContext, inspection: Inspection, payload: dict) -> dict | None:
    """What the phone's edit started from.

    Its own latest revision if the phone never saw a later server version (a lost
    reply leaves base_version behind); else the content at base_version.
    """
    own = db.session.execute(
        db.select(InspectionRevision).where(
            InspectionRevision.inspection_id == inspection.id,
            InspectionRevision.client_id == ctx.client_id)
        .order_by(InspectionRevision.client_rev.desc()).limit(1)).scalar_one_or_none()
    base_version = payload.get("base_version")
    if own is not None and (base_version is None or base_version < own.version):
        return content_of(own.payload)
    if base_version is None:
        return None
    revision = db.session.execute(
        db.select(InspectionRevision).where(
            InspectionRevision.inspection_id == inspection.id,
            InspectionRevision.version <= base_version,
            InspectionRevision.outcome.in_(("applied", "merged", "conflict", "resolved")))
        .order_by(InspectionRevision.version.desc(), InspectionRevision.id.desc()).limit(1)
    ).scalar_one_or_none()
    return revision.content if revision else None


def update_inspection(ctx: PushContext, inspection: Inspection,
                      payload: dict) -> tuple[Outcome, Inspection]:
    theirs = content_of(payload)
    check_photo_ids(theirs, inspection.id)
    ours = content_from_row(inspection)
    base = base_content(ctx, inspection, payload)
    merge = merge_revisions(base, ours, theirs)
    if merge.conflicts:
        outcome = "conflict"
    elif base is not None and not merge_revisions(base, base, ours).changed:
        outcome = "applied"  # nothing happened on the server since this edit's base
    else:
        outcome = "merged"
    apply_content(inspection, merge.merged)
    inspection.version += 1
    inspection.updated_at = utcnow()
    if merge.conflicts:
        inspection.has_conflict = True
    if inspection.review_state == "has_issues":
        inspection.review_state = "received"  # the inspector answered the issues
    db.session.flush()
    add_revision(ctx, inspection, payload, outcome, merge.merged, merge.conflicts)
    refresh_flags(inspection)
    refresh_sharing_inspections(inspection)
    return Outcome(outcome, inspection.version), inspection


def add_revision(ctx: PushContext, inspection: Inspection, payload: dict, outcome: str,
                 content: dict, conflicts: list | None = None) -> None:
    db.session.add(InspectionRevision(
        inspection_id=inspection.id, client_id=ctx.client_id,
        client_rev=payload["client_rev"], base_version=payload.get("base_version"),
        user_id=ctx.user.id, outcome=outcome, version=inspection.version,
        payload=payload, content=content, conflicts=conflicts or []))
    db.session.flush()


def missing_blobs(photos: list) -> list[str]:
    wanted = sorted({p["sha256"] for p in photos})
    if not wanted:
        return []
    have = set(db.session.execute(db.select(Blob.sha256).where(Blob.sha256.in_(wanted)))
               .scalars())
    return [sha for sha in wanted if sha not in have]
