"""A group's reference point (photos taken far from it are flagged): typed in as numbers,
or the median of the GPS of the group's inspections. Both reach the phones through the
change log and the audit log (set_reference). Nothing commits (the caller does).
Problems use the catalogue keys problem.<code> (fields admin.field.<field>)."""
import math

from sync.geo import median_point

from ..audit import record_audit
from ..changes import record_change
from ..extensions import db
from ..models import Inspection, VillagerGroup
from ..errors import Problem, Problems
from .places import RANGES


def _problems(lat: float | None, lon: float | None) -> list[Problem]:
    if (lat is None) != (lon is None):
        return [Problem("reference_half", field="lat" if lat is None else "lon")]
    return [Problem("reference_range", {"low": low, "high": high}, field=name)
            for name, value in (("lat", lat), ("lon", lon)) if value is not None
            for low, high in [RANGES[name]]
            if not (math.isfinite(value) and low <= value <= high)]


def set_reference(group: VillagerGroup, lat: float | None, lon: float | None,
                  source: str = "typed") -> None:
    """The group's point becomes (lat, lon); both None clears it. Problems if
    only one is given or one is out of range."""
    problems = _problems(lat, lon)
    if problems:
        raise Problems(problems)
    before = (group.lat, group.lon)
    group.lat, group.lon = lat, lon
    township_id = group.village.township_id
    record_change(db.session, "group", group.id, township_id)
    record_audit("set_reference", "group", group.id, township_id=township_id,
                 detail={"source": source, "before": list(before), "after": [lat, lon]})


def inspections_point(group: VillagerGroup) -> tuple[tuple[float, float] | None, int]:
    """The median GPS of the group's inspections (every round), and how many had a fix."""
    points = []
    for gps in db.session.execute(db.select(Inspection.gps).where(
            Inspection.group_id == group.id, Inspection.gps.is_not(None))).scalars():
        if isinstance(gps, dict) and gps.get("lat") is not None and gps.get("lon") is not None:
            points.append((float(gps["lat"]), float(gps["lon"])))
    return median_point(points), len(points)


def reference_from_inspections(group: VillagerGroup) -> int:
    """The group's point becomes the median GPS of its inspections; Problems if
    none has a fix. Returns how many inspections it rests on."""
    point, count = inspections_point(group)
    if point is None:
        raise Problems([Problem("no_inspection_gps", status=409)])
    set_reference(group, *point, source=f"inspections:{count}")
    return count
