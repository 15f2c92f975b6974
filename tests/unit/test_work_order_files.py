"""Work-order attachments without AWS: the allowed types and sizes, sniffing of photos and videos, the
thumbnail's size, orientation, transparency and metadata, and the keys a thumbnail is kept under."""

from __future__ import annotations

import io

import pytest

from shared.maintenance.files import ALLOWED_TYPES, MAX_PER_ORDER, Kind, max_bytes
from shared.uploads import sniff, thumbnail
from shared.uploads.objects import derived_key, parse_key, verified_key
from tests.support.files import JPEG, MOV, MP4, PDF, PNG, WEBP
from tests.support.photos import photo, size_of

pytestmark = pytest.mark.unit

MB = 1024 * 1024
KEY = "communities/01COMMUNITY/work-orders/01ATTACHMENT/leak.jpg"


@pytest.mark.parametrize(("content_type", "kind", "limit"), [
    ("image/jpeg", Kind.IMAGE, 15 * MB), ("image/png", Kind.IMAGE, 15 * MB), ("image/webp", Kind.IMAGE, 15 * MB),
    ("image/heic", Kind.IMAGE, 15 * MB), ("video/mp4", Kind.VIDEO, 200 * MB),
    ("video/quicktime", Kind.VIDEO, 200 * MB),
])
def test_the_contracts_types_and_sizes(content_type: str, kind: Kind, limit: int) -> None:
    assert ALLOWED_TYPES[content_type] is kind and max_bytes(content_type) == limit


def test_nothing_else_is_allowed() -> None:
    assert set(ALLOWED_TYPES) == {"image/jpeg", "image/png", "image/webp", "image/heic", "video/mp4",
                                  "video/quicktime"}
    assert "image/gif" not in ALLOWED_TYPES and "application/pdf" not in ALLOWED_TYPES
    assert MAX_PER_ORDER == 20


@pytest.mark.parametrize(("content_type", "data", "ok"), [
    ("image/jpeg", JPEG, True),
    ("image/jpeg", PDF, False),  # a PDF named .jpg
    ("image/jpeg", PNG, False),
    ("image/png", PNG, True),
    ("image/webp", WEBP, True),
    ("image/heic", None, True),  # a real HEIC, made below
    ("image/heic", JPEG, False),
    ("video/mp4", MP4, True),
    ("video/quicktime", MOV, True),
    ("video/mp4", PDF, False),
])
def test_bytes_are_sniffed_against_the_declared_type(content_type: str, data: bytes | None, ok: bool) -> None:
    body = data if data is not None else photo(64, 48, fmt="HEIF")
    reason = sniff.mismatch(content_type, body[: sniff.HEAD_BYTES], lambda: iter([body]))
    assert (reason is None) is ok, reason
    if content_type == "image/jpeg" and data is PDF:
        assert reason == "the file's content is application/pdf, not image/jpeg"


@pytest.mark.parametrize(("size", "expected"), [
    ((4000, 3000), (320, 240)),
    ((3000, 4000), (240, 320)),
    ((320, 200), (320, 200)),  # never enlarged
    ((100, 50), (100, 50)),
    ((321, 321), (320, 320)),
    ((10000, 10), (320, 1)),  # a sliver keeps one pixel
    ((1, 5000), (1, 320)),
])
def test_the_thumbnail_size_keeps_the_aspect_and_never_exceeds_320(size: tuple[int, int],
                                                                   expected: tuple[int, int]) -> None:
    assert thumbnail.fitted(*size) == expected
    assert max(thumbnail.fitted(*size)) <= thumbnail.MAX_SIDE


def test_a_size_needs_pixels() -> None:
    with pytest.raises(ValueError):
        thumbnail.fitted(0, 10)


def test_a_jpeg_thumbnail_is_small_jpeg_without_metadata() -> None:
    from PIL import Image

    original = photo(1600, 1200, orientation=1)
    small = thumbnail.make(original, "image/jpeg")
    assert size_of(small) == (320, 240) and len(small) < len(original) / 5
    with Image.open(io.BytesIO(small)) as image:
        assert image.format == "JPEG" and not image.getexif()


def test_the_exif_orientation_is_applied() -> None:
    """Orientation 6 (rotate 90° clockwise to view): a landscape-stored photo shows as portrait."""
    assert size_of(thumbnail.make(photo(800, 600, orientation=6), "image/jpeg")) == (240, 320)


@pytest.mark.parametrize(("fmt", "mode", "content_type"), [
    ("PNG", "RGBA", "image/png"), ("PNG", "P", "image/png"), ("PNG", "L", "image/png"),
    ("WEBP", "RGBA", "image/webp"), ("HEIF", "RGB", "image/heic"),
])
def test_png_webp_and_heic_thumbnails(fmt: str, mode: str, content_type: str) -> None:
    from PIL import Image

    small = thumbnail.make(photo(640, 400, fmt=fmt, mode=mode), content_type)
    with Image.open(io.BytesIO(small)) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == (320, 200)


def test_transparency_becomes_white() -> None:
    from PIL import Image

    clear = Image.new("RGBA", (400, 400), (255, 0, 0, 0))
    out = io.BytesIO()
    clear.save(out, "PNG")
    with Image.open(io.BytesIO(thumbnail.make(out.getvalue(), "image/png"))) as image:
        red, green, blue = image.convert("RGB").getpixel((160, 160))  # type: ignore[misc]
        assert min(red, green, blue) > 245


@pytest.mark.parametrize("data", [JPEG, JPEG[:20], b"\xff\xd8\xff" + b"junk" * 50])
def test_bytes_no_decoder_reads_are_unreadable(data: bytes) -> None:
    with pytest.raises(thumbnail.Unreadable):
        thumbnail.make(data, "image/jpeg")


def test_too_many_pixels_are_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(thumbnail, "MAX_PIXELS", 1000)
    with pytest.raises(thumbnail.Unreadable, match="more than we decode"):
        thumbnail.make(photo(100, 100), "image/jpeg")


def test_a_thumbnail_lives_beside_its_upload_and_is_never_read_as_one() -> None:
    key = derived_key(KEY, "abc123", thumbnail.LABEL)
    assert key == "communities/01COMMUNITY/work-orders/01ATTACHMENT/derived/abc123/thumbnail.jpg"
    assert parse_key(key) is None and parse_key(verified_key(KEY, "abc123")) is None
    assert key != verified_key(KEY, "abc123").replace("leak.jpg", "thumbnail.jpg")
    for bad in (("communities/x/y", "abc", thumbnail.LABEL), (KEY, "a/b", thumbnail.LABEL), (KEY, "abc", "../x.jpg")):
        with pytest.raises(ValueError):
            derived_key(*bad)
