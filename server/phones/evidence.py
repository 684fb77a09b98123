"""Evidence flags (domain.md) computed on arrival and stored with each photo.

`compute_flags` is the one place the rules are applied; it takes plain data, so a
push of 200 inspections can gather what it needs in a few queries up front.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app

from sync import flags as rules

from ..extensions import db
from ..models import Assignment, Blob, Inspection, Photo

@dataclass
class FlagContext:
    """What flags need to know beyond the inspection itself."""
    group_lat: float | None
    group_lon: float | None
    round_start: date
    round_end: date
    assigned: bool
    received_at: datetime
    late: bool = False
    duplicate_shas: set = field(default_factory=set)  # also shown by another inspection
    near_shas: set = field(default_factory=set)       # near-duplicate in another group
    unreadable_shas: set = field(default_factory=set)  # arrived whole, did not decode


def compute_flags(content: dict, ctx: FlagContext,
                  has_conflict: bool) -> tuple[list[str], list[list[str]]]:
    """(inspection flags, flags of each photo in content order)."""
    photo_flags = []
    for photo in content["photos"]:
        flags = rules.photo_flags(
            photo, group_lat=ctx.group_lat, group_lon=ctx.group_lon,
            round_start=ctx.round_start, round_end=ctx.round_end,
            received_at=ctx.received_at, max_distance_m=current_app.config["FAR_FROM_GROUP_M"])
        if photo["sha256"] in ctx.duplicate_shas:
            flags.append(rules.DUPLICATE)
        if photo["sha256"] in ctx.near_shas:
            flags.append(rules.NEAR_DUPLICATE)
        if photo["sha256"] in ctx.unreadable_shas:
            flags.append(rules.UNREADABLE)
        photo_flags.append(sorted(set(flags)))
    flags = rules.inspection_flags(content, assigned=ctx.assigned,
                                   round_start=ctx.round_start, round_end=ctx.round_end)
    if has_conflict:
        flags.append(rules.CONFLICT)
    if ctx.late:
        flags.append(rules.LATE)
    if any(photo_flags):
        flags.append(rules.FLAGGED_PHOTO)
    return sorted(set(flags)), photo_flags


def shas_shown_elsewhere(shas: set, inspection_ids: set) -> set:
    """Which of `shas` some inspection other than `inspection_ids` shows."""
    if not shas:
        return set()
    return set(db.session.execute(db.select(Photo.sha256).where(
        Photo.sha256.in_(shas), Photo.inspection_id.not_in(inspection_ids))).scalars())


def refresh_flags(inspection: Inspection) -> None:
    """Recomputes the flags of an inspection and of each of its photos."""
    round_, group = inspection.round, inspection.group
    shas = {photo.sha256 for photo in inspection.photos}
    assigned = db.session.execute(db.select(Assignment.id).where(
        Assignment.round_id == inspection.round_id, Assignment.group_id == inspection.group_id,
        Assignment.user_id == inspection.inspector_id).limit(1)).first() is not None
    ctx = FlagContext(
        group_lat=group.lat, group_lon=group.lon, round_start=round_.starts_on,
        round_end=round_.ends_on, assigned=assigned, received_at=inspection.received_at,
        late=inspection.late,
        duplicate_shas=shas_shown_elsewhere(shas, {inspection.id}),
        near_shas={sha for sha in shas if is_near_duplicate(sha, inspection)},
        unreadable_shas=unreadable_among(shas))
    content = {"started_at": inspection.started_at, "finished_at": inspection.finished_at,
               "criteria": inspection.criteria,
               "photos": [p.to_record() for p in inspection.photos]}
    inspection.flags, photo_flags = compute_flags(content, ctx, inspection.has_conflict)
    for photo, flags in zip(inspection.photos, photo_flags):
        photo.flags = flags


def unreadable_among(shas: set) -> set:
    """Which of `shas` arrived whole but did not decode (server/photos/jobs.py)."""
    if not shas:
        return set()
    return set(db.session.execute(db.select(Blob.sha256).where(
        Blob.sha256.in_(shas), Blob.unreadable.is_(True))).scalars())


def is_near_duplicate(sha256: str, inspection: Inspection) -> bool:
    """A perceptually similar photo in another group of the same round."""
    phash = db.session.execute(db.select(Blob.phash).where(Blob.sha256 == sha256)).scalar()
    if not phash:
        return False
    others = db.session.execute(
        db.select(Blob.phash).join(Photo, Photo.sha256 == Blob.sha256)
        .join(Inspection, Inspection.id == Photo.inspection_id)
        .where(Inspection.round_id == inspection.round_id,
               Inspection.group_id != inspection.group_id,
               Blob.sha256 != sha256, Blob.phash.is_not(None))).scalars()
    return any(rules.phash_distance(phash, other) <= rules.NEAR_DUPLICATE_DISTANCE
               for other in others if len(other) == len(phash))


def refresh_flags_for_blob(sha256: str) -> None:
    """A photo's bytes arrived: the inspections showing it may gain flags."""
    showing = db.select(Photo.inspection_id).where(Photo.sha256 == sha256)
    for inspection in db.session.execute(
            db.select(Inspection).where(Inspection.id.in_(showing))).scalars():
        refresh_flags(inspection)


def refresh_sharing_inspections(inspection_ids: set, shas: set) -> None:
    """Other inspections showing the same bytes now have a duplicate too."""
    if not shas:
        return
    showing = db.select(Photo.inspection_id).where(Photo.sha256.in_(shas))
    others = db.session.execute(db.select(Inspection).where(
        Inspection.id.in_(showing), Inspection.id.not_in(inspection_ids))).scalars()
    for other in others:
        if not all(rules.DUPLICATE in p.flags for p in other.photos if p.sha256 in shas):
            refresh_flags(other)
