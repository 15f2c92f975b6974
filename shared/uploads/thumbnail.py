"""Thumbnails of uploaded photos: at most 320 px on the longest side, JPEG, without metadata.

Pillow (and, for HEIC, pillow-heif) are imported inside `make`, never at import time: only the
workers that make thumbnails pay for them at cold start. The photo is turned upright from its EXIF
orientation first (phones store rotation there), transparency is flattened onto white (JPEG has
none), and the JPEG is written without EXIF, so a thumbnail never carries a photo's GPS position.
A JPEG is decoded at a reduced scale (`draft`), so a 48-megapixel photo costs little memory.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: Pillow is imported where it is used
    from PIL.Image import Image as Picture

MAX_SIDE = 320
CONTENT_TYPE = "image/jpeg"
LABEL = "thumbnail.jpg"  # its name beside the upload (shared.uploads.objects.derived_key)
QUALITY = 80
# Above this many pixels an image is refused rather than decoded (a decompression bomb): 1.5x a
# 108-megapixel phone sensor, about 480 MB decoded as RGB, inside a 1 GB worker.
MAX_PIXELS = 160_000_000


class Unreadable(ValueError):
    """The bytes passed the magic-byte check but are no image Pillow can decode."""


def fitted(width: int, height: int, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """The thumbnail's size: the longest side at most `max_side`, the aspect ratio kept, never enlarged,
    neither side below 1 px."""
    if width < 1 or height < 1:
        raise ValueError("an image has at least one pixel each way")
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, min(max_side, round(width * scale))), max(1, min(max_side, round(height * scale)))


def make(data: bytes, content_type: str) -> bytes:
    """The JPEG thumbnail of an image's bytes; `Unreadable` when they cannot be decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if content_type == "image/heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise Unreadable(f"the image has {opened.width}x{opened.height} pixels, more than we decode")
            opened.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG only: decode at 1/2, 1/4 or 1/8 scale
            upright = ImageOps.exif_transpose(opened)
            flat = _flatten(upright)
            small = flat.resize(fitted(flat.width, flat.height), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=QUALITY, optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, Unreadable):
            raise
        raise Unreadable(f"the image cannot be read ({type(error).__name__})") from error
    return out.getvalue()


def _flatten(image: Picture) -> Picture:
    """RGB: transparency over white, palettes and grey expanded, 16-bit and CMYK converted."""
    from PIL import Image

    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB") if image.mode != "RGB" else image
