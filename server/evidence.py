"""Evidence flags (domain.md) computed on arrival and stored with each photo."""
from flask import current_app

from sync import flags as rules

from .extensions import db
from .models import Assignment, Blob, Inspection, Photo


def refresh_flags(inspection: Inspection) -> None:
    """Recomputes the flags of an inspection and of each of its photos."""
    round_, group = inspection.round, inspection.group
    for photo in inspection.photos:
        flags = rules.photo_flags(
            photo.to_record(), group_lat=group.lat, group_lon=group.lon,
            round_start=round_.starts_on, round_end=round_.ends_on,
            received_at=inspection.received_at,
            max_distance_m=current_app.config["FAR_FROM_GROUP_M"])
        flags += duplicate_flags(photo, inspection)
        photo.flags = sorted(set(flags))
    assigned = db.session.execute(db.select(Assignment.id).where(
        Assignment.round_id == inspection.round_id, Assignment.group_id == inspection.group_id,
        Assignment.user_id == inspection.inspector_id).limit(1)).first() is not None
    content = {"started_at": inspection.started_at, "finished_at": inspection.finished_at,
               "criteria": inspection.criteria, "photos": [p.to_record() for p in inspection.photos]}
    flags = rules.inspection_flags(content, assigned=assigned, round_start=round_.starts_on,
                                   round_end=round_.ends_on)
    if inspection.has_conflict:
        flags.append(rules.CONFLICT)
    if any(p.flags for p in inspection.photos):
        flags.append("photo_flags")
    inspection.flags = sorted(set(flags))


def duplicate_flags(photo: Photo, inspection: Inspection) -> list[str]:
    flags = []
    same_bytes_elsewhere = db.session.execute(db.select(Photo.id).where(
        Photo.sha256 == photo.sha256, Photo.inspection_id != inspection.id).limit(1)).first()
    if same_bytes_elsewhere:
        flags.append(rules.DUPLICATE)
    if is_near_duplicate(photo.sha256, inspection):
        flags.append(rules.NEAR_DUPLICATE)
    return flags


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
    inspections = db.session.execute(
        db.select(Inspection).where(Inspection.id.in_(showing))).scalars()
    for inspection in inspections:
        refresh_flags(inspection)


def refresh_sharing_inspections(inspection: Inspection) -> None:
    """Other inspections showing the same bytes now have a duplicate too."""
    shas = {photo.sha256 for photo in inspection.photos}
    if not shas:
        return
    showing = db.select(Photo.inspection_id).where(Photo.sha256.in_(shas))
    others = db.session.execute(db.select(Inspection).where(
        Inspection.id.in_(showing), Inspection.id != inspection.id)).scalars()
    for other in others:
        if not all(rules.DUPLICATE in p.flags for p in other.photos if p.sha256 in shas):
            refresh_flags(other)
