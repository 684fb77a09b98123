"""An inspection's content as plain data (what sync/ merges), and back."""
from sync.merge import CONTENT_FIELDS

from ..models import Inspection, Photo

SCALAR_FIELDS = tuple(f for f in CONTENT_FIELDS if f != "photos")


def content_from_row(inspection: Inspection) -> dict:
    content = {name: getattr(inspection, name) for name in SCALAR_FIELDS}
    content["criteria"] = content["criteria"] or {}
    content["photos"] = [photo.to_record() for photo in inspection.photos]
    return content


def apply_content(inspection: Inspection, content: dict) -> None:
    """Sets the inspection's fields; photos are a grow-only set (never lost)."""
    for name in SCALAR_FIELDS:
        setattr(inspection, name, content[name])
    have = {photo.id for photo in inspection.photos}
    for position, record in enumerate(content["photos"]):
        if record["id"] not in have:
            inspection.photos.append(Photo(position=position, **record))


def inspection_data(inspection: Inspection) -> dict:
    """The inspection as pull sends it: the pushed fields exactly as pushed (so a phone
    may push them back unchanged), plus server state beside them."""
    data = content_from_row(inspection)
    data.update(
        id=inspection.id, version=inspection.version, review_state=inspection.review_state,
        flags=inspection.flags, inspector_id=inspection.inspector_id,
        has_conflict=inspection.has_conflict,
        received_at=inspection.received_at.isoformat(),
        # Evidence flags per photo; supervisors' decisions come as photo_review changes.
        photo_flags={photo.id: photo.flags for photo in inspection.photos if photo.flags},
    )
    return data
