"""What a photo says about itself: capture time, GPS and a perceptual hash, read with a
full decode, off the request path (plain library code: no Flask, no database).

:func:`inspect_image` decides whether an uploaded blob is an acceptable photo and
extracts what the evidence flags need. It takes a path on disk (Pillow streams the
file; nothing here reads a whole file into memory as bytes).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import imagehash
from PIL import ExifTags, Image

from .checks import ALLOWED_MIME, decode, open_checked

_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# EXIF tag numbers used below.
_TAG_ORIENTATION = 0x0112
_TAG_DATETIME = 0x0132  # IFD0, "last changed"
_TAG_DATETIME_ORIGINAL = 0x9003  # Exif IFD
_TAG_OFFSET_TIME = 0x9010  # Exif IFD, offset of DateTime
_TAG_OFFSET_TIME_ORIGINAL = 0x9011  # Exif IFD, offset of DateTimeOriginal


@dataclass(frozen=True)
class ImageInfo:
    """What :func:`inspect_image` learned about an accepted photo.

    * ``mime``: ``image/jpeg``, ``image/png`` or ``image/webp``.
    * ``width``/``height``: pixel size *as stored*, before the EXIF orientation
      is applied (for orientation 5..8 the displayed photo is height x width).
    * ``orientation``: EXIF orientation 1..8 (1 when absent or invalid).
    * ``captured_at``: ISO 8601 string from EXIF ``DateTimeOriginal`` (falling
      back to ``DateTime``), or None. When the camera also wrote the matching
      ``OffsetTimeOriginal``/``OffsetTime`` the string carries that offset
      (``2024-05-06T09:08:07+02:00``). Otherwise it is deliberately returned
      *naive* (``2024-05-06T09:08:07``, no offset, no ``Z``): that is the
      camera's local wall-clock time in an unknown zone. Callers must not read
      a naive value as UTC; compare it with a tolerance of the zone range, or
      interpret it in the inspection's/group's local zone.
    * ``gps``: ``{"lat": float, "lon": float}`` in decimal degrees (south and
      west negative) from the EXIF GPS IFD, or None when absent, malformed,
      out of range, or exactly 0,0 (what phones write without a fix).
    * ``phash``: ``imagehash.phash`` as 16 hex characters, computed on the
      orientation-corrected picture. Compare two with
      :func:`phash_distance` (near-duplicate: distance <= 10).
    """

    mime: str
    width: int
    height: int
    orientation: int
    captured_at: str | None
    gps: dict | None
    phash: str


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two hex perceptual hashes from :class:`ImageInfo`."""
    return imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)


def _orientation(exif: Image.Exif) -> int:
    value = exif.get(_TAG_ORIENTATION, 1)
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 8 else 1


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None


_OFFSET_RE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def _parse_exif_datetime(raw, raw_offset) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    text = text[:19]  # ignore trailing sub-second or junk some writers add
    parsed = None
    for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            parsed = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if parsed is None:  # e.g. "0000:00:00 00:00:00" or blanks
        return None
    offset = _text(raw_offset)
    if offset in ("Z", "+00:00", "-00:00", "+0000"):
        offset = "+00:00"
    match = _OFFSET_RE.match(offset) if offset else None
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3))
        if hours <= 14 and minutes < 60:
            delta = timedelta(hours=hours, minutes=minutes)
            tz = timezone(-delta if sign == "-" else delta)
            return parsed.replace(tzinfo=tz).isoformat()
    # No usable offset: naive local wall-clock time (see ImageInfo.captured_at).
    return parsed.isoformat()


def _captured_at(exif: Image.Exif) -> str | None:
    try:
        exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        exif_ifd = {}

    def tag(number):
        value = exif_ifd.get(number)
        return exif.get(number) if value is None else value

    return _parse_exif_datetime(
        tag(_TAG_DATETIME_ORIGINAL), tag(_TAG_OFFSET_TIME_ORIGINAL)
    ) or _parse_exif_datetime(exif.get(_TAG_DATETIME), tag(_TAG_OFFSET_TIME))


def _degrees(value) -> float | None:
    """EXIF GPS (degrees, minutes, seconds) rationals -> decimal degrees."""
    if value is None:
        return None
    if not isinstance(value, (tuple, list)):
        value = (value,)
    if not 1 <= len(value) <= 3:
        return None
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    result = 0.0
    for part, scale in zip(parts, (1.0, 60.0, 3600.0)):
        result += part / scale
    return result


def _gps(exif: Image.Exif) -> dict | None:
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None
    if not gps:
        return None
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude))
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude))
    lat_ref = (_text(gps.get(ExifTags.GPS.GPSLatitudeRef)) or "").upper()[:1]
    lon_ref = (_text(gps.get(ExifTags.GPS.GPSLongitudeRef)) or "").upper()[:1]
    if lat is None or lon is None or lat_ref not in ("N", "S") or lon_ref not in ("E", "W"):
        return None
    if lat_ref == "S":
        lat = -lat
    if lon_ref == "W":
        lon = -lon
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    if lat == 0.0 and lon == 0.0:  # "Null Island": written without a fix
        return None
    return {"lat": round(lat, 7), "lon": round(lon, 7)}


def _safe_exif(im: Image.Image) -> Image.Exif:
    try:
        return im.getexif()
    except Exception:  # corrupt EXIF never rejects a photo; it just has no metadata
        return Image.Exif()


def _phash(im: Image.Image, orientation: int) -> str:
    if im.mode.startswith("I") or im.mode == "F":  # 16/32-bit grey: scale, don't clip
        gray = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    else:
        gray = im.convert("L") if im.mode != "L" else im
    factor = max(1, max(gray.size) // 512)  # cheap pre-shrink; phash works at 32x32
    if factor > 1:
        gray = gray.reduce(factor)
    method = _ORIENTATION_TRANSPOSE.get(orientation)
    if method is not None:
        gray = gray.transpose(method)
    return str(imagehash.phash(gray))


def inspect_image(path: str | os.PathLike) -> ImageInfo:
    """Check that ``path`` is an acceptable photo and describe it.

    Raises :class:`UnsupportedImage` (not JPEG/PNG/WebP, undecodable, truncated)
    or :class:`ImageTooLarge` (over :data:`MAX_PIXELS`; checked from the header
    before anything is decoded). The whole image is decoded once, so a file
    that passes is known to be complete.
    """
    im = open_checked(path)
    try:
        mime = ALLOWED_MIME[im.format]
        width, height = im.size
        decode(im)
        exif = _safe_exif(im)
        orientation = _orientation(exif)
        return ImageInfo(
            mime=mime,
            width=width,
            height=height,
            orientation=orientation,
            captured_at=_captured_at(exif),
            gps=_gps(exif),
            phash=_phash(im, orientation),
        )
    finally:
        im.close()

