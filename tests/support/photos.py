"""Real photos made with Pillow (and pillow-heif for HEIC), for thumbnail and attachment tests."""

from __future__ import annotations

import io
import random


def photo(width: int = 1200, height: int = 900, fmt: str = "JPEG", mode: str = "RGB",
          orientation: int | None = None, seed: int = 7) -> bytes:
    """A noisy picture (so a JPEG of it has a realistic size) in `fmt`; `orientation` sets EXIF tag 274."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    # A few flat bands, so it is not only noise.
    for band in range(0, height, max(1, height // 6)):
        image.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)),
                    (0, band, width, min(height, band + max(1, height // 24))))
    if mode != "RGB":
        image = image.convert(mode)
    out = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    kwargs: dict[str, object] = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[274] = orientation
        kwargs["exif"] = exif.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size
