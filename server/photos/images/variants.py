"""The served derivatives of a photo ("display" and "thumb"): orientation applied, RGB
JPEG, and no EXIF at all, so no GPS (the privacy rules: served derivatives never carry
location data). Plain library code: no Flask, no database; made off the request path.
"""
from __future__ import annotations

import io
import math
import os

from PIL import Image, ImageOps

from .checks import decode, open_checked

#: Variant name -> longest side in pixels (never upscaled).
VARIANT_SIZES = {"display": 1600, "thumb": 320}
JPEG_QUALITY = 82


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
    im = open_checked(path)
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
        decode(im)
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
