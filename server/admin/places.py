"""Villages and villager groups from a UTF-8 CSV: all lines or nothing.

Columns (header required): village, village_en, group, group_en, lat, lon.
Only `village` and `group` must be filled.
"""
import csv
import io
from dataclasses import dataclass

from ..changes import record_change
from ..extensions import db
from ..models import Village, VillagerGroup

COLUMNS = ("village", "village_en", "group", "group_en", "lat", "lon")


@dataclass
class ImportResult:
    villages: int = 0
    groups: int = 0


class PlacesImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _number(text: str, low: float, high: float, name: str, errors: list[str], line: int):
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append(f"line {line}: {name} {text!r} is not a number")
        return None
    if not low <= value <= high:
        errors.append(f"line {line}: {name} {value} is outside {low}..{high}")
    return value


def parse_places(raw: bytes) -> list[dict]:
    """The CSV's rows as dicts, or PlacesImportError listing every bad line."""
    try:
        text = raw.decode("utf-8-sig")  # Excel and WPS write a BOM
    except UnicodeDecodeError as exc:
        raise PlacesImportError([f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"])
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("village", "group") if c not in (reader.fieldnames or [])]
    if missing:
        raise PlacesImportError([f"line 1: missing column(s) {', '.join(missing)}; "
                                 f"expected {', '.join(COLUMNS)}"])
    errors, rows, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        if None in row:
            errors.append(f"line {line}: more values than columns")
            continue
        village, group = (row.get("village") or "").strip(), (row.get("group") or "").strip()
        if not village or not group:
            errors.append(f"line {line}: village and group must not be empty")
            continue
        if (village, group) in seen:
            errors.append(f"line {line}: {village} / {group} appears twice")
        seen.add((village, group))
        lat = _number(row.get("lat") or "", -90, 90, "lat", errors, line)
        lon = _number(row.get("lon") or "", -180, 180, "lon", errors, line)
        rows.append({"village": village, "village_en": (row.get("village_en") or "").strip() or None,
                     "group": group, "group_en": (row.get("group_en") or "").strip() or None,
                     "lat": lat, "lon": lon})
    if errors:
        raise PlacesImportError(errors)
    if not rows:
        raise PlacesImportError(["the file has no rows"])
    return rows


def import_places(township_id: int, raw: bytes) -> ImportResult:
    """Adds new villages and groups; existing ones (same name) are updated in place."""
    rows = parse_places(raw)
    result = ImportResult()
    villages = {v.name: v for v in db.session.execute(
        db.select(Village).where(Village.township_id == township_id)).scalars()}
    for row in rows:
        village = villages.get(row["village"])
        if village is None:
            village = villages[row["village"]] = Village(
                township_id=township_id, name=row["village"], name_en=row["village_en"])
            db.session.add(village)
            result.villages += 1
        elif row["village_en"]:
            village.name_en = row["village_en"]
        group = next((g for g in village.groups if g.name == row["group"]), None)
        if group is None:
            group = VillagerGroup(name=row["group"])
            village.groups.append(group)
            result.groups += 1
        group.name_en, group.lat, group.lon = row["group_en"], row["lat"], row["lon"]
        db.session.flush()
        record_change(db.session, "village", village.id, township_id)
        record_change(db.session, "group", group.id, township_id)
    return result
