"""Unit tests for server.photos.images: real image files generated with Pillow in tmp_path."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, ImageDraw, ImageFile, TiffImagePlugin

from server.photos.images import checks
from server.photos.images import (
    ImageInfo,
    ImageRejected,
    ImageTooLarge,
    UnsupportedImage,
    inspect_image,
    make_variants,
    phash_distance,
)

RED = (220, 20, 20)


# ---------------------------------------------------------------------------
# Image factories


def scene(size=(800, 600), seed=0) -> Image.Image:
    """A structured picture (so perceptual hashes mean something)."""
    w, h = size
    im = Image.new("RGB", size, (30, 60, 90))
    draw = ImageDraw.Draw(im)
    if seed == 0:
        for i in range(8):
            x = int(w * i / 8)
            draw.rectangle([x, int(h * 0.2), x + w // 20, int(h * 0.9)], fill=(240, 240, 200))
        draw.ellipse([int(w * 0.55), int(h * 0.05), int(w * 0.95), int(h * 0.6)], fill=(250, 200, 0))
    else:
        for j in range(6):
            y = int(h * j / 6)
            draw.rectangle([0, y, w, y + h // 14], fill=(10, 200, 120))
        draw.polygon([(0, h), (w // 2, 0), (w // 3, h)], fill=(200, 0, 200))
    # Marker in the stored top-left corner, to follow the orientation.
    draw.rectangle([0, 0, w // 10, h // 10], fill=RED)
    return im


def rational(value: float) -> TiffImagePlugin.IFDRational:
    return TiffImagePlugin.IFDRational(round(value * 100), 100)


def exif_block(
    *,
    orientation=None,
    original=None,
    offset=None,
    datetime_=None,
    lat=None,
    lon=None,
) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if datetime_ is not None:
        exif[0x0132] = datetime_
    sub = exif.get_ifd(0x8769)
    if original is not None:
        sub[0x9003] = original
    if offset is not None:
        sub[0x9011] = offset
    if lat is not None:
        gps = exif.get_ifd(0x8825)
        (lat_ref, lat_dms), (lon_ref, lon_dms) = lat, lon
        gps[1] = lat_ref
        gps[2] = tuple(rational(v) for v in lat_dms)
        gps[3] = lon_ref
        gps[4] = tuple(rational(v) for v in lon_dms)
    return exif


SYDNEY = (("S", (33, 52, 12.34)), ("E", (151, 12, 30.5)))
SYDNEY_DECIMAL = (-(33 + 52 / 60 + 12.34 / 3600), 151 + 12 / 60 + 30.5 / 3600)


@pytest.fixture
def camera_jpeg(tmp_path):
    """2000x1500 as stored, EXIF orientation 6, GPS and DateTimeOriginal with offset."""
    path = tmp_path / "camera.jpg"
    exif = exif_block(
        orientation=6,
        original="2024:05:06 09:08:07",
        offset="+02:00",
        datetime_="2024:06:01 00:00:00",
        lat=SYDNEY[0],
        lon=SYDNEY[1],
    )
    scene((2000, 1500)).save(path, "JPEG", quality=90, exif=exif, comment=b"secret note")
    return path


def save(im: Image.Image, path, fmt, **kw):
    im.save(path, fmt, **kw)
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def crafted_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width x height (1-bit grey)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def jpeg_segments(data: bytes) -> list[int]:
    """Marker bytes of the JPEG segments before the scan (SOS)."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: headers are over
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


# ---------------------------------------------------------------------------
# inspect_image


def test_inspect_camera_jpeg(camera_jpeg):
    info = inspect_image(camera_jpeg)
    assert isinstance(info, ImageInfo)
    assert info.mime == "image/jpeg"
    assert (info.width, info.height) == (2000, 1500)  # as stored
    assert info.orientation == 6
    assert info.captured_at == "2024-05-06T09:08:07+02:00"
    assert info.gps["lat"] == pytest.approx(SYDNEY_DECIMAL[0], abs=1e-6)
    assert info.gps["lon"] == pytest.approx(SYDNEY_DECIMAL[1], abs=1e-6)
    assert set(info.gps) == {"lat", "lon"}
    assert len(info.phash) == 16 and int(info.phash, 16) >= 0
    with pytest.raises(AttributeError):
        info.mime = "image/png"  # frozen


def test_captured_at_without_offset_is_naive_local(tmp_path):
    path = tmp_path / "naive.jpg"
    scene((64, 48)).save(path, "JPEG", exif=exif_block(original="2023:12:31 23:59:58"))
    assert inspect_image(path).captured_at == "2023-12-31T23:59:58"


def test_captured_at_falls_back_to_datetime(tmp_path):
    path = tmp_path / "dt.jpg"
    scene((64, 48)).save(path, "JPEG", exif=exif_block(datetime_="2022:01:02 03:04:05"))
    assert inspect_image(path).captured_at == "2022-01-02T03:04:05"


def test_bogus_exif_values_are_ignored(tmp_path):
    path = tmp_path / "bogus.jpg"
    exif = exif_block(
        orientation=42,
        original="0000:00:00 00:00:00",
        lat=("N", (0, 0, 0)),
        lon=("E", (0, 0, 0)),
    )
    scene((64, 48)).save(path, "JPEG", exif=exif)
    info = inspect_image(path)
    assert (info.orientation, info.captured_at, info.gps) == (1, None, None)


def test_western_northern_gps(tmp_path):
    path = tmp_path / "nyc.jpg"
    exif = exif_block(lat=("N", (40, 42, 46)), lon=("W", (74, 0, 21.6)))
    scene((64, 48)).save(path, "JPEG", exif=exif)
    gps = inspect_image(path).gps
    assert gps["lat"] == pytest.approx(40.712778, abs=1e-6)
    assert gps["lon"] == pytest.approx(-74.006, abs=1e-6)


@pytest.mark.parametrize(
    "fmt,mime,suffix",
    [("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_inspect_png_and_webp(tmp_path, fmt, mime, suffix):
    path = save(scene((320, 200)), tmp_path / f"x.{suffix}", fmt)
    info = inspect_image(path)
    assert (info.mime, info.width, info.height) == (mime, 320, 200)
    assert (info.orientation, info.captured_at, info.gps) == (1, None, None)
    assert len(info.phash) == 16


def test_png_with_exif_chunk(tmp_path):
    path = tmp_path / "exif.png"
    scene((120, 80)).save(path, "PNG", exif=exif_block(orientation=8, lat=SYDNEY[0], lon=SYDNEY[1]))
    info = inspect_image(path)
    assert info.orientation == 8
    assert info.gps["lat"] == pytest.approx(SYDNEY_DECIMAL[0], abs=1e-6)


def test_mpo_counts_as_jpeg(tmp_path):
    path = tmp_path / "phone.jpg"
    scene((200, 150)).save(path, "MPO", save_all=True, append_images=[scene((200, 150), seed=1)])
    with Image.open(path) as im:
        assert im.format == "MPO"
    assert inspect_image(path).mime == "image/jpeg"
    assert set(make_variants(path)) == {"display", "thumb"}


def test_phash_near_for_resized_copy_far_for_other_image(tmp_path):
    original = inspect_image(save(scene((1200, 900)), tmp_path / "a.jpg", "JPEG"))
    resized = inspect_image(save(scene((1200, 900)).resize((300, 225)), tmp_path / "b.png", "PNG"))
    other = inspect_image(save(scene((1200, 900), seed=1), tmp_path / "c.jpg", "JPEG"))
    assert phash_distance(original.phash, resized.phash) <= 10
    assert phash_distance(original.phash, other.phash) > 10


def test_phash_ignores_how_orientation_is_stored(tmp_path, camera_jpeg):
    """A copy with the rotation baked into the pixels hashes the same."""
    upright = tmp_path / "upright.png"
    with Image.open(camera_jpeg) as im:
        im.rotate(-90, expand=True).save(upright, "PNG")
    a, b = inspect_image(camera_jpeg), inspect_image(upright)
    assert phash_distance(a.phash, b.phash) <= 4


# ---------------------------------------------------------------------------
# Rejections


def test_truncated_jpeg_is_unsupported(tmp_path, camera_jpeg):
    data = camera_jpeg.read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnsupportedImage) as exc:
        inspect_image(cut)
    assert exc.value.code == "unsupported_media"
    assert isinstance(exc.value, ImageRejected) and str(exc.value)
    with pytest.raises(UnsupportedImage):
        make_variants(cut)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_truncated_png_and_webp_are_unsupported(tmp_path, fmt):
    buf = io.BytesIO()
    scene((400, 300)).save(buf, fmt)
    data = buf.getvalue()
    path = tmp_path / "cut"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(UnsupportedImage):
        inspect_image(path)


def test_truncated_images_stay_rejected_even_if_someone_flips_the_global(tmp_path, camera_jpeg, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(camera_jpeg.read_bytes()[:-3000])
    with pytest.raises(UnsupportedImage):
        inspect_image(cut)


def test_text_and_gif_are_unsupported(tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("this is not an image\n" * 10)
    gif = save(scene((50, 40)).convert("P"), tmp_path / "anim.gif", "GIF")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    for path in (text, gif, empty):
        with pytest.raises(UnsupportedImage):
            inspect_image(path)
        with pytest.raises(UnsupportedImage):
            make_variants(path)


def test_missing_file_is_not_a_rejection(tmp_path):
    with pytest.raises(FileNotFoundError):
        inspect_image(tmp_path / "nope.jpg")


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail loudly if any pixel data gets decoded."""
    calls = []

    def load(self):
        calls.append(self)
        raise AssertionError("decoded a decompression bomb")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def test_real_48mp_png_is_too_large_and_never_decoded(tmp_path, no_decoding):
    # 1-bit 8000x6000 = 48 MP: 6 MB in memory, a few kB on disk.
    path = save(Image.new("1", (8000, 6000)), tmp_path / "bomb.png", "PNG")
    assert path.stat().st_size < 100_000
    with pytest.raises(ImageTooLarge) as exc:
        inspect_image(path)
    assert exc.value.code == "too_large"
    with pytest.raises(ImageTooLarge):
        make_variants(path)
    assert no_decoding == []


def test_crafted_header_bombs(tmp_path, no_decoding):
    over_ours = tmp_path / "over_ours.png"  # 50 MP: above MAX_PIXELS, below Pillow's limits
    over_ours.write_bytes(crafted_png(10_000, 5_000))
    huge = tmp_path / "huge.png"  # 10 gigapixels: Pillow's DecompressionBombError at open
    huge.write_bytes(crafted_png(100_000, 100_000))
    for path in (over_ours, huge):
        with pytest.raises(ImageTooLarge):
            inspect_image(path)
    assert no_decoding == []


def test_exactly_max_pixels_header_passes_the_size_check(tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "MAX_PIXELS", 100 * 50)
    path = save(scene((100, 50)), tmp_path / "edge.png", "PNG")
    assert inspect_image(path).width == 100
    monkeypatch.setattr(checks, "MAX_PIXELS", 100 * 50 - 1)
    with pytest.raises(ImageTooLarge):
        inspect_image(path)


def test_pillow_bomb_warning_becomes_too_large(tmp_path, monkeypatch):
    path = save(scene((40, 40)), tmp_path / "small.png", "PNG")  # 1600 px
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # warning above 1000, error above 2000
    with pytest.raises(ImageTooLarge):
        inspect_image(path)


# ---------------------------------------------------------------------------
# make_variants


def open_bytes(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def assert_clean_jpeg(data: bytes) -> Image.Image:
    im = open_bytes(data)
    assert im.format == "JPEG" and im.mode == "RGB"
    markers = jpeg_segments(data)
    assert 0xE1 not in markers  # no APP1: neither EXIF nor XMP
    assert 0xFE not in markers  # no comment
    assert 0xC2 in markers  # SOF2: progressive
    assert not im.getexif()
    assert "exif" not in im.info and "xmp" not in im.info
    return im


def test_variants_of_rotated_camera_jpeg(camera_jpeg):
    variants = make_variants(camera_jpeg)
    assert set(variants) == {"display", "thumb"}
    display = assert_clean_jpeg(variants["display"])
    thumb = assert_clean_jpeg(variants["thumb"])
    # Stored 2000x1500 with orientation 6 -> upright portrait 1500x2000.
    assert display.size == (1200, 1600)
    assert thumb.size == (240, 320)
    # The stored top-left marker ends up top-right once rotated 90 degrees clockwise.
    for im in (display, thumb):
        w, h = im.size
        top_right = im.getpixel((w - 1 - w // 40, h // 40))
        top_left = im.getpixel((w // 40, h // 40))
        assert top_right[0] > 180 and top_right[1] < 80, top_right
        assert top_left != pytest.approx(top_right, abs=60)


def test_variants_never_upscale(tmp_path):
    path = save(scene((200, 120)), tmp_path / "small.webp", "WEBP")
    variants = make_variants(path)
    assert assert_clean_jpeg(variants["display"]).size == (200, 120)
    assert assert_clean_jpeg(variants["thumb"]).size == (200, 120)


def test_large_landscape_jpeg_uses_reduced_decoding_and_exact_sizes(tmp_path):
    path = save(scene((3400, 2000)), tmp_path / "big.jpg", "JPEG", quality=85)
    variants = make_variants(path)
    assert open_bytes(variants["display"]).size == (1600, 941)
    assert open_bytes(variants["thumb"]).size == (320, 188)


def test_variants_flatten_alpha_on_white_and_handle_16bit(tmp_path):
    rgba = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle([0, 0, 49, 99], fill=(0, 0, 255, 255))
    path = save(rgba, tmp_path / "alpha.png", "PNG")
    display = open_bytes(make_variants(path)["display"])
    assert display.getpixel((90, 50)) == pytest.approx((255, 255, 255), abs=8)
    assert display.getpixel((10, 50))[2] > 200

    grey16 = save(Image.new("I;16", (64, 64), 32768), tmp_path / "grey16.png", "PNG")
    value = open_bytes(make_variants(grey16)["thumb"]).getpixel((32, 32))
    assert value == pytest.approx((128, 128, 128), abs=3)


def test_variants_keep_only_an_rgb_icc_profile(tmp_path):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "icc.jpg"
    scene((300, 200)).save(path, "JPEG", icc_profile=srgb, exif=exif_block(lat=SYDNEY[0], lon=SYDNEY[1]))
    display = open_bytes(make_variants(path)["display"])
    assert display.info.get("icc_profile") == srgb
    assert not display.getexif()


def test_phash_of_16bit_grey_matches_its_8bit_version(tmp_path):
    eight = scene((300, 200)).convert("L")
    sixteen = eight.convert("I").point(lambda v: v * 256)  # same picture, 16-bit range
    a = inspect_image(save(eight, tmp_path / "8.png", "PNG"))
    b = inspect_image(save(sixteen.convert("I;16"), tmp_path / "16.png", "PNG"))
    assert phash_distance(a.phash, b.phash) <= 2
