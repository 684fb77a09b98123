"""Who may see a photo's bytes (contract, GET /blobs): one rule for the API, the
supervisors' pages and the exports.

A photo record shows bytes only when its author holds them: they uploaded them, or a
bundle of theirs carried them (`BlobUploader`). Knowing a SHA-256 is no proof of holding
the photo, so a record naming bytes its author never had shows them to nobody, however
they reached the server, and reads as "photo not received" to the reviewer.
"""
from collections.abc import Iterable

import sqlalchemy as sa

from ..extensions import db
from ..models import (BlobUploader, Inspection, LedgerEntry, Photo, Recheck, RecheckPhoto,
                      Rectification, RectificationItem)

# Photo records and what they belong to: an inspection's, a recheck's ("after").
PHOTO_RECORDS = ((Photo, Inspection), (RecheckPhoto, Recheck))


def author_holds(sha, author_id):
    """SQL condition: the user `author_id` holds the bytes `sha` (columns or values)."""
    return sa.exists().where(BlobUploader.sha256 == sha, BlobUploader.user_id == author_id)


def may_read(user, sha: str, variant: str) -> bool:
    """Reviewers: a photo of their township through a record whose author holds it.
    Inspectors: only through a record of their own, so only bytes they sent themselves;
    and the derivatives (not the original) of the township's rectification photos."""
    for photo, record in PHOTO_RECORDS:
        query = db.select(photo.id).join(record).where(
            photo.sha256 == sha, record.township_id == user.township_id,
            author_holds(sha, record.inspector_id))
        if not user.can_review:
            query = query.where(record.inspector_id == user.id)
        if db.session.execute(query.limit(1)).first() is not None:
            return True
    return shows_entry_photo(user, sha) or (
        variant != "original" and shows_rectification_photo(sha, user.township_id))


def shows_entry_photo(user, sha: str) -> bool:
    """A deed's photo, by the same rule: the township's reviewers, or the recorder, once
    the recorder holds the bytes. An entry keeps its photos as pushed (a JSON list, few
    entries have one), so the township's entries are searched for the digest itself."""
    query = db.select(LedgerEntry.id).where(
        LedgerEntry.township_id == user.township_id,
        sa.cast(LedgerEntry.photos, sa.Text).contains(sha, autoescape=True),
        author_holds(sha, LedgerEntry.recorded_by))
    if not user.can_review:
        query = query.where(LedgerEntry.recorded_by == user.id)
    return db.session.execute(query.limit(1)).first() is not None


def shows_rectification_photo(sha: str, township_id: int) -> bool:
    """Whether these bytes are a "before" photo of one of the township's rectifications,
    through a record whose author holds them (every inspector of the township may then
    see it, not its original)."""
    photos = db.session.execute(
        db.select(Photo.id, Photo.criterion, Photo.item, Inspection.round_id,
                  Inspection.group_id).join(Inspection)
        .where(Photo.sha256 == sha, Inspection.township_id == township_id,
               author_holds(sha, Inspection.inspector_id))).all()
    for photo_id, criterion, item, round_id, group_id in photos:
        named = db.session.execute(
            db.select(RectificationItem.photo_ids).join(Rectification).where(
                Rectification.township_id == township_id, Rectification.round_id == round_id,
                Rectification.group_id == group_id, RectificationItem.criterion == criterion,
                RectificationItem.item == item)).scalars()
        if any(photo_id in ids for ids in named):
            return True
    return False


def received(photos: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """Of these (sha256, author) pairs, those whose author holds the bytes: the photos a
    page shows; any other reads as not received."""
    pairs = set(photos)
    if not pairs:
        return set()
    return {tuple(row) for row in db.session.execute(
        db.select(BlobUploader.sha256, BlobUploader.user_id).where(
            sa.tuple_(BlobUploader.sha256, BlobUploader.user_id).in_(pairs)))}
