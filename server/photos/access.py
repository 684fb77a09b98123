"""Who may see a photo's bytes (contract, GET /blobs): one rule for the API and the
supervisors' pages."""
import sqlalchemy as sa

from ..extensions import db
from ..models import BlobUploader, Inspection, Photo, Recheck, RecheckPhoto
from ..review.rectifications import shows_photo

# Photo records and what they belong to: an inspection's, a recheck's ("after").
PHOTO_RECORDS = ((Photo, Inspection), (RecheckPhoto, Recheck))


def may_read(user, sha: str, variant: str) -> bool:
    """Reviewers: any photo of their township. Inspectors: only bytes they uploaded
    themselves that an inspection or recheck of theirs references, and the derivatives
    (not the original) of the township's rectification photos (contract, GET /blobs)."""
    for photo, record in PHOTO_RECORDS:
        query = db.select(photo.id).join(record).where(
            photo.sha256 == sha, record.township_id == user.township_id)
        if not user.can_review:
            query = query.where(record.inspector_id == user.id, sa.exists().where(
                BlobUploader.sha256 == sha, BlobUploader.user_id == user.id))
        if db.session.execute(query.limit(1)).first() is not None:
            return True
    return variant != "original" and shows_photo(sha, user.township_id)
