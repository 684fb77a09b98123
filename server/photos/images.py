"""Photo checks and derivatives (plain library code: no Flask, no database).

Three entry points:

* :func:`read_header` is what an upload must pass before it is accepted: format and
  pixel count from the header, and an ending that says the file is whole (JPEG's EOI,
  PNG's IEND, WebP's RIFF length). It reads the start and the end of a stream and
  decodes nothing, so it costs well under a millisecond.

The other two take a path on disk (Pillow streams the file; nothing here reads a
whole file into memory as bytes) and decode it, off the request path:

* :func:`inspect_image` decides whether an uploaded blob is an acceptable photo
  and extracts what the evidence flags need (capture time, GPS, perceptual hash).
* :func:`make_variants` renders the served derivatives ("display" and "thumb"):
  orientation applied, RGB JPEG, and no EXIF at all (so no GPS, see the privacy
  rules: served derivatives never carry location data).

Rejections raise a subclass of :class:`ImageRejected`, whose ``code`` is the
error code of the sync contract: ``unsupported_media`` (HTTP 415) or
``too_large`` (HTTP 413). Genuine I/O errors on the path (missing file,
permission denied) are *not* rejections and propagate unchanged.

Decompression-bomb guard: the pixel count is checked from the header, right
after ``Image.open`` (which only parses headers) and before any pixel data is
decoded. Pillow's own ``DecompressionBombError``/``DecompressionBombWarning``
are turned into :class:`ImageTooLarge` too.
"""

from __future__ import annotations

import io
import math
import os
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import BinaryIO

import imagehash
from PIL import ExifTags, Image, ImageFile, ImageOps

__all__ = [
    "MAX_PIXELS",
    "ALLOWED_MIME",
    "VARIANT_SIZES",
    "ImageInfo",
    "ImageHeader",
    "read_header",
    "ImageRejected",
    "UnsupportedImage",
    "ImageTooLarge",
    "inspect_image",
    "make_variants",
]

#: Largest accepted image, in pixels (width x height as stored).
MAX_PIXELS = 40_000_000

#: Pillow format name -> MIME type. "MPO" is the multi-picture JPEG many phone
#: cameras write (Pillow reports it as its own format); it is a JPEG file.
ALLOWED_MIME = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
}
# Plugins Image.open may try. MPO files are produced by the JPEG plugin's factory.
_OPEN_FORMATS = ("JPEG", "PNG", "WEBP")

#: Variant name -> longest side in pixels (never upscaled).
VARIANT_SIZES = {"display": 1600, "thumb": 320}
JPEG_QUALITY = 82

# Truncated files must fail to decode, never come back half-grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

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


class ImageRejected(Exception):
    """The file is not an acceptable photo. ``code`` is the API error code."""

    code = "image_rejected"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnsupportedImage(ImageRejected):
    """Not JPEG/PNG/WebP, undecodable or truncated (HTTP 415)."""

    code = "unsupported_media"


class ImageTooLarge(ImageRejected):
    """More than :data:`MAX_PIXELS` pixels, or a decompression bomb (HTTP 413)."""

    code = "too_large"


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


@dataclass(frozen=True)
class ImageHeader:
    """What :func:`read_header` learned: enough for the blob's row at once."""

    mime: str
    width: int
    height: int


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two hex perceptual hashes from :class:`ImageInfo`."""
    return imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)


# --------------------------------------------------------------------------
# Opening and decoding with the guards


def _open_checked(path: str | os.PathLike) -> Image.Image:
    """Open (headers only) and check format and pixel count. Nothing is decoded."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path, formats=_OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(
            f"The image has too many pixels (limit {MAX_PIXELS:,})."
        ) from exc
    except Exception as exc:
        _reraise_io_error(exc)
        raise UnsupportedImage(
            "The file is not a JPEG, PNG or WebP image."
        ) from exc
    try:
        if im.format not in ALLOWED_MIME:
            raise UnsupportedImage("The file is not a JPEG, PNG or WebP image.")
        width, height = im.size
        if width <= 0 or height <= 0:
            raise UnsupportedImage("The image has no pixels.")
        pixels = width * height
        limit = MAX_PIXELS
        if Image.MAX_IMAGE_PIXELS is not None:  # respect a stricter Pillow setting
            limit = min(limit, Image.MAX_IMAGE_PIXELS)
        if pixels > limit:
            raise ImageTooLarge(
                f"The image is {width}x{height} = {pixels:,} pixels; "
                f"the limit is {limit:,}."
            )
    except BaseException:
        im.close()
        raise
    return im


def _decode(im: Image.Image) -> None:
    """Fully decode the pixel data; truncated or corrupt data -> UnsupportedImage."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge("The image has too many pixels.") from exc
    except Exception as exc:
        _reraise_io_error(exc)
        raise UnsupportedImage(
            "The image could not be decoded (corrupt or truncated file)."
        ) from exc


def _reraise_io_error(exc: Exception) -> None:
    """Real I/O problems (ENOENT, EACCES, EIO...) and MemoryError are not rejections."""
    if isinstance(exc, MemoryError):
        raise exc
    if isinstance(exc, OSError) and exc.errno is not None:
        raise exc


# --------------------------------------------------------------------------
# Metadata


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
    im = _open_checked(path)
    try:
        mime = ALLOWED_MIME[im.format]
        width, height = im.size
        _decode(im)
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


# --------------------------------------------------------------------------
# Header and ending, without decoding

HEAD_BYTES = 256 * 1024  # headers (EXIF, ICC, MPO index) of phone photos fit well within
TAIL_BYTES = 4096
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def read_header(stream: BinaryIO, size: int) -> ImageHeader:
    """Check an upload's type, pixel count and ending from its first and last bytes.

    ``stream`` reads the file from its start (it need not be seekable); ``size`` is
    its length. Raises :class:`UnsupportedImage` or :class:`ImageTooLarge` like
    :func:`inspect_image`, but a file damaged in the middle passes: only the full
    decode (:func:`inspect_image`, later) can tell, and then the photo is flagged.
    """
    head = stream.read(min(size, HEAD_BYTES))
    im = _open_checked(io.BytesIO(head))
    try:
        mime, width, height = ALLOWED_MIME[im.format], *im.size
        header_end = im.fp.tell()  # JPEG: where the scan data starts
    finally:
        im.close()
    tail = head[-TAIL_BYTES:] if len(head) == size else _tail(stream, size - len(head))
    if not _ends_whole(mime, head, tail, size, header_end):
        raise UnsupportedImage("The file is incomplete (it does not end as the format says).")
    return ImageHeader(mime=mime, width=width, height=height)


def _tail(stream: BinaryIO, remaining: int) -> bytes:
    """The last TAIL_BYTES of the stream, ``remaining`` bytes after where it stands."""
    if remaining > TAIL_BYTES and stream.seekable():
        stream.seek(remaining - TAIL_BYTES, io.SEEK_CUR)
        remaining = TAIL_BYTES
    tail = b""
    while remaining > 0:
        piece = stream.read(min(remaining, 1024 * 1024))
        if not piece:
            break
        remaining -= len(piece)
        tail = (tail + piece)[-TAIL_BYTES:]
    return tail


def _ends_whole(mime: str, head: bytes, tail: bytes, size: int, header_end: int) -> bool:
    if mime == "image/png":
        return tail.endswith(_PNG_END)
    if mime == "image/webp":
        return int.from_bytes(head[4:8], "little") + 8 <= size
    # JPEG: the last end-of-image marker lies after the headers (an EXIF thumbnail has
    # one of its own) and near the end (some cameras append a little after it).
    position = tail.rfind(b"\xff\xd9")
    return position >= 0 and size - len(tail) + position >= header_end


# --------------------------------------------------------------------------
# Variants


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im
    if im.mode.startswith("I") or im.mode == "F":  # 16-bit / 32-bit grey
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("RGB")
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        im.mode in ("P", "L", "RGB") and "transparency" in im.info
    )
    if has_alpha:
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im.convert("RGB")


def _rgb_icc_profile(im: Image.Image) -> bytes | None:
    """Keep an RGB ICC profile (e.g. Display P3) so colours stay right.

    An ICC profile carries no location or personal data; profiles for other
    colour spaces (CMYK, grey) are dropped because the pixels become RGB.
    """
    icc = im.info.get("icc_profile")
    if isinstance(icc, bytes) and len(icc) >= 20 and icc[16:20] == b"RGB ":
        return icc
    return None


def _encode_jpeg(im: Image.Image, icc: bytes | None) -> bytes:
    im.info = {}  # nothing from the source (EXIF, XMP, comments) is written
    buffer = io.BytesIO()
    options = {"quality": JPEG_QUALITY, "progressive": True, "optimize": True}
    if icc:
        options["icc_profile"] = icc
    im.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def make_variants(path: str | os.PathLike) -> dict[str, bytes]:
    """Render ``{"display": jpeg_bytes, "thumb": jpeg_bytes}`` from the photo at ``path``.

    Longest side <= 1600 and <= 320 px (never upscaled), EXIF orientation
    applied, RGB (transparency flattened on white), JPEG quality 82,
    progressive, with no EXIF, XMP or comment segments at all. Applies the same
    checks as :func:`inspect_image` and raises the same exceptions.
    """
    im = _open_checked(path)
    try:
        icc = _rgb_icc_profile(im)
        if im.format in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still leaves
            # the longest side >= the display size: much less memory and time.
            width, height = im.size
            longest = VARIANT_SIZES["display"]
            scale = max(width, height) / longest
            if scale >= 2:
                im.draft("RGB", (math.ceil(width / scale), math.ceil(height / scale)))
        _decode(im)
        upright = ImageOps.exif_transpose(im)
        rgb = _to_rgb(upright)
        display = rgb  # exif_transpose always returned a new image
        display.thumbnail(
            (VARIANT_SIZES["display"], VARIANT_SIZES["display"]), Image.Resampling.LANCZOS
        )
        thumb = display.copy()
        thumb.thumbnail(
            (VARIANT_SIZES["thumb"], VARIANT_SIZES["thumb"]), Image.Resampling.LANCZOS
        )
        return {"display": _encode_jpeg(display, icc), "thumb": _encode_jpeg(thumb, icc)}
    finally:
        im.close()
