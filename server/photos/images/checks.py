"""What an upload must pass before it is accepted, and the guards of every decode
(plain library code: no Flask, no database).

:func:`read_header` checks format and pixel count from the header, and an ending that
says the file is whole (JPEG's EOI, PNG's IEND, WebP's RIFF length). It reads the start
and the end of a stream and decodes nothing, so it costs well under a millisecond.

Rejections raise a subclass of :class:`ImageRejected`, whose ``code`` says why:
``unsupported_media`` or ``too_large``. Genuine I/O errors on a path (missing file,
permission denied) are *not* rejections and propagate unchanged.

Decompression-bomb guard: the pixel count is checked from the header, right after
``Image.open`` (which only parses headers) and before any pixel data is decoded.
Pillow's own ``DecompressionBombError``/``DecompressionBombWarning`` are turned into
:class:`ImageTooLarge` too.
"""
from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageFile

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

# Truncated files must fail to decode, never come back half-grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False


class ImageRejected(Exception):
    """The file is not an acceptable photo; ``code`` says why."""

    code = "image_rejected"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnsupportedImage(ImageRejected):
    """Not JPEG/PNG/WebP, undecodable or truncated."""

    code = "unsupported_media"


class ImageTooLarge(ImageRejected):
    """More than :data:`MAX_PIXELS` pixels, or a decompression bomb."""

    code = "too_large"


@dataclass(frozen=True)
class ImageHeader:
    """What :func:`read_header` learned: enough for the blob's row at once."""

    mime: str
    width: int
    height: int


def open_checked(path: str | os.PathLike) -> Image.Image:
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


def decode(im: Image.Image) -> None:
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
    tail = head[-TAIL_BYTES:] if len(head) == size else _tail(stream, size - len(head))
    return header_of(head, tail, size)


def header_of(head: bytes, tail: bytes, size: int) -> ImageHeader:
    """:func:`read_header` from a file's first ``HEAD_BYTES`` (all of it if shorter) and
    last ``TAIL_BYTES``, kept by whoever read the file as it went by."""
    im = open_checked(io.BytesIO(head))
    try:
        mime, width, height = ALLOWED_MIME[im.format], *im.size
        header_end = im.fp.tell()  # JPEG: where the scan data starts
    finally:
        im.close()
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

