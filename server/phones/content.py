"""A pushed record's content as plain data (what sync/ merges), and back: inspections
and rechecks alike, each by its sync.merge.Shape."""
from sync.merge import INSPECTION, Shape

from ..models import Inspection, Photo


# A photo record's fields as the phone pushes them (PhotoFields.to_record).
PHOTO_RECORD = ("id", "sha256", "size", "mime", "width", "height", "criterion", "item",
                "captured_at", "gps", "source")


def content_from_row(row, shape: Shape = INSPECTION) -> dict:
    content = {name: getattr(row, name) for name in shape.fields if name != "photos"}
    content[shape.entries] = content[shape.entries] or {}
    content["photos"] = [photo.to_record() for photo in row.photos]
    return content


def content_from_columns(row: dict, photos: list[dict], shape: Shape) -> dict:
    """content_from_row for a record read as columns (a push reads them so)."""
    content = {name: row[name] for name in shape.fields if name != "photos"}
    content[shape.entries] = content[shape.entries] or {}
    content["photos"] = [{name: photo[name] for name in PHOTO_RECORD} for photo in photos]
    return content


def apply_content(row, content: dict, shape: Shape = INSPECTION, photo_model=Photo) -> None:
    """Sets the row's fields; photos are a grow-only set (never lost)."""
    for name in shape.fields:
        if name != "photos":
            setattr(row, name, content[name])
    have = {photo.id for photo in row.photos}
    for position, record in enumerate(content["photos"]):
        if record["id"] not in have:
            row.photos.append(photo_model(position=position, **record))


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
