"""Photo checks and derivatives (plain library code: no Flask, no database).

* ``checks.py``: :func:`read_header`, what an upload must pass before it is accepted
  (no decoding), and the guards every decode goes through;
* ``metadata.py``: :func:`inspect_image`, a full decode that says whether a blob is an
  acceptable photo and reads what the evidence flags need (capture time, GPS,
  perceptual hash);
* ``variants.py``: :func:`make_variants`, the served derivatives, without EXIF.

Rejections raise a subclass of :class:`ImageRejected`, whose ``code`` says why.
"""
from .checks import (ALLOWED_MIME, MAX_PIXELS, ImageHeader, ImageRejected, ImageTooLarge,
                     UnsupportedImage, read_header)
from .metadata import ImageInfo, inspect_image, phash_distance
from .variants import VARIANT_SIZES, make_variants

__all__ = ["MAX_PIXELS", "ALLOWED_MIME", "VARIANT_SIZES", "ImageInfo", "ImageHeader",
           "read_header", "ImageRejected", "UnsupportedImage", "ImageTooLarge",
           "inspect_image", "make_variants", "phash_distance"]
