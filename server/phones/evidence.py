"""Evidence flags (domain.md) computed on arrival and stored with each photo.

`Evidence.flags_of` is the one place the rules are applied. It takes plain data, so a
push computes the flags of the inspections it writes before writing them, and a stored
inspection's flags are recomputed the same way (`refresh_flags`). What flags need from
other inspections (the same photo shown elsewhere, a near-duplicate in another group)
is loaded for many inspections at once, and always within each one's township: one
township's photos never flag, or reveal, another township's inspections.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

from sync import flags as rules

from ..database import among, not_among
from ..extensions import db
from ..models import Assignment, Blob, Inspection, Photo


@dataclass
class FlagSubject:
    """An inspection as its flags see it."""
    id: str
    township_id: int
    round_id: int
    group_id: int
    content: dict           # started_at, finished_at, criteria and photos (records)
    group_lat: float | None
    group_lon: float | None
    round_start: date
    round_end: date
    assigned: bool
    received_at: datetime
    late: bool
    has_conflict: bool

    @property
    def shas(self) -> set[str]:
        return {photo["sha256"] for photo in self.content["photos"]}


def blobs_present(shas: set[str]) -> dict[str, tuple[str | None, bool]]:
    """The photos whose bytes the server has: sha256 → (perceptual hash, unreadable)."""
    if not shas:
        return {}
    return {sha: (phash, unreadable) for sha, phash, unreadable in db.session.execute(
        db.select(Blob.sha256, Blob.phash, Blob.unreadable).where(among(Blob.sha256, shas)))}


@dataclass
class Evidence:
    """What the flags of some inspections need from the others, loaded at once."""
    shown_by: dict         # sha256 → {(township_id, inspection_id)} showing it
    phashes: dict          # sha256 → perceptual hash, of bytes that arrived and decoded
    unreadable: set        # arrived whole, did not decode (server/photos/jobs.py)
    hashed_in_round: dict  # round id → [(group_id, sha256, phash)] of its hashed photos
    max_distance_m: float  # how far from its group a photo may be taken

    @classmethod
    def load(cls, subjects: list[FlagSubject], blobs: dict | None = None) -> "Evidence":
        """`subjects` as they are (or are about to be) stored, in place of what the
        database holds of them; `blobs` as blobs_present gave them, if already loaded."""
        shas = set().union(*(s.shas for s in subjects))
        ids = {s.id for s in subjects}
        shown_by = shown_elsewhere(shas, ids)
        for subject in subjects:
            for sha in subject.shas:
                shown_by.setdefault(sha, set()).add((subject.township_id, subject.id))
        blobs = blobs_present(shas) if blobs is None else blobs
        phashes = {sha: phash for sha, (phash, _) in blobs.items() if phash and sha in shas}
        unreadable = {sha for sha, (_, bad) in blobs.items() if bad}
        return cls(shown_by, phashes, unreadable, hashed_photos(subjects, phashes, ids),
                   current_app.config["FAR_FROM_GROUP_M"])

    def flags_of(self, subject: FlagSubject) -> tuple[list[str], list[list[str]]]:
        """(inspection flags, flags of each photo in content order)."""
        content, township = subject.content, subject.township_id
        photo_flags = []
        for photo in content["photos"]:
            sha = photo["sha256"]
            flags = rules.photo_flags(
                photo, group_lat=subject.group_lat, group_lon=subject.group_lon,
                round_start=subject.round_start, round_end=subject.round_end,
                received_at=subject.received_at, max_distance_m=self.max_distance_m)
            if any(t == township and i != subject.id for t, i in self.shown_by.get(sha, ())):
                flags.append(rules.DUPLICATE)
            if self.is_near_duplicate(sha, subject):
                flags.append(rules.NEAR_DUPLICATE)
            if sha in self.unreadable:
                flags.append(rules.UNREADABLE)
            photo_flags.append(sorted(set(flags)))
        flags = rules.inspection_flags(content, assigned=subject.assigned,
                                       round_start=subject.round_start,
                                       round_end=subject.round_end)
        if subject.has_conflict:
            flags.append(rules.CONFLICT)
        if subject.late:
            flags.append(rules.LATE)
        if any(photo_flags):
            flags.append(rules.FLAGGED_PHOTO)
        return sorted(set(flags)), photo_flags

    def shown_in_township(self, subject: FlagSubject) -> set[str]:
        """The ids of the inspections of its township showing one of its photos."""
        return {inspection_id for sha in subject.shas
                for township_id, inspection_id in self.shown_by.get(sha, ())
                if township_id == subject.township_id}

    def is_near_duplicate(self, sha256: str, subject: FlagSubject) -> bool:
        """A perceptually similar photo in another group of the same round."""
        phash = self.phashes.get(sha256)
        if not phash:
            return False
        return any(rules.phash_distance(phash, other) <= rules.NEAR_DUPLICATE_DISTANCE
                   for group_id, sha, other in self.hashed_in_round.get(subject.round_id, ())
                   if group_id != subject.group_id and sha != sha256 and len(other) == len(phash))


def shown_elsewhere(shas: set[str], ids: set[str]) -> dict[str, set[tuple[int, str]]]:
    """sha256 → {(township_id, inspection_id)} of the stored inspections but `ids` that
    show it. (Two queries: joined to inspections with a township filter, SQLite's
    planner walks the township's inspections instead of the photos' hash index.)"""
    holders = db.session.execute(db.select(Photo.sha256, Photo.inspection_id).where(
        among(Photo.sha256, shas), not_among(Photo.inspection_id, ids))).all() if shas else []
    townships = dict(db.session.execute(db.select(Inspection.id, Inspection.township_id).where(
        among(Inspection.id, {i for _, i in holders}))).all()) if holders else {}
    found = {}
    for sha, inspection_id in holders:
        found.setdefault(sha, set()).add((townships[inspection_id], inspection_id))
    return found


def hashed_photos(subjects: list[FlagSubject], phashes: dict, ids: set) -> dict:
    """round id → [(group_id, sha256, phash)]: the photos near-duplicates are looked for
    among, in the rounds where a subject has a hashed photo (a round is one township's)."""
    rounds = {s.round_id for s in subjects if s.shas & phashes.keys()}
    found = {}
    if not rounds:
        return found
    for round_id, group_id, sha, phash in db.session.execute(
            db.select(Inspection.round_id, Inspection.group_id, Photo.sha256, Blob.phash)
            .join(Photo, Photo.inspection_id == Inspection.id)
            .join(Blob, Blob.sha256 == Photo.sha256)
            .where(Inspection.round_id.in_(rounds), not_among(Inspection.id, ids),
                   Blob.phash.is_not(None))):
        found.setdefault(round_id, []).append((group_id, sha, phash))
    for subject in subjects:
        if subject.round_id in rounds:
            found.setdefault(subject.round_id, []).extend(
                (subject.group_id, sha, phashes[sha]) for sha in subject.shas if sha in phashes)
    return found


def refresh_flags(*inspections: Inspection) -> None:
    """Recomputes the flags of these stored inspections and of each of their photos."""
    if not inspections:
        return
    assigned = {tuple(row) for row in db.session.execute(db.select(
        Assignment.round_id, Assignment.group_id, Assignment.user_id).where(
        Assignment.round_id.in_({i.round_id for i in inspections}),
        Assignment.user_id.in_({i.inspector_id for i in inspections})))}
    subjects = [FlagSubject(
        id=i.id, township_id=i.township_id, round_id=i.round_id, group_id=i.group_id,
        content={"started_at": i.started_at, "finished_at": i.finished_at,
                 "criteria": i.criteria, "photos": [p.to_record() for p in i.photos]},
        group_lat=i.group.lat, group_lon=i.group.lon, round_start=i.round.starts_on,
        round_end=i.round.ends_on, assigned=(i.round_id, i.group_id, i.inspector_id) in assigned,
        received_at=i.received_at, late=i.late, has_conflict=i.has_conflict)
        for i in inspections]
    evidence = Evidence.load(subjects)
    for inspection, subject in zip(inspections, subjects):
        inspection.flags, photo_flags = evidence.flags_of(subject)
        for photo, flags in zip(inspection.photos, photo_flags):
            photo.flags = flags


def refresh_flags_for_blob(sha256: str) -> None:
    """A photo's bytes arrived: the inspections showing it may gain flags."""
    showing = db.select(Photo.inspection_id).where(Photo.sha256 == sha256)
    refresh_flags(*db.session.execute(
        db.select(Inspection).where(Inspection.id.in_(showing))).scalars())


def refresh_sharing_inspections(inspection_ids: set, shas: set) -> None:
    """These stored inspections show some of the bytes `shas` (Evidence.shown_in_township
    found them): now that another inspection of their township shows them too, each has a
    duplicate."""
    if not inspection_ids:
        return
    others = db.session.execute(
        db.select(Inspection).where(among(Inspection.id, inspection_ids))).scalars()
    refresh_flags(*(other for other in others if not all(
        rules.DUPLICATE in p.flags for p in other.photos if p.sha256 in shas)))
