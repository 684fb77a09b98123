"""Distances on the Earth's surface, for the "far from the group" evidence flag."""
from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8   # the mean radius (IUGG); error < 0.5 % anywhere


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # min() guards asin against 1.0000000000000002 for antipodal points.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def median_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The per-coordinate median of (lat, lon) points, None for none: a few fixes taken
    far away (a GPS jump, an inspection recorded at the office) do not move it."""
    if not points:
        return None
    return (_median([lat for lat, _ in points]), _median([lon for _, lon in points]))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
