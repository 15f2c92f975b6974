"""Community slugs: short, URL-safe, derived from the name, unique across the platform."""

from __future__ import annotations

import re
import unicodedata

from shared.platform import ids

MAX_LENGTH = 40
RESERVED = frozenset({"admin", "api", "app", "platform", "www", "static", "docs", "login", "signup"})


def derive(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_LENGTH].strip("-")
    if len(slug) < 3 or slug in RESERVED:
        slug = f"{slug or 'community'}-{ids.new_id()[-4:].lower()}"  # ULID tail: always 4 alphanumerics
    return slug


def candidates(name: str, attempts: int = 5) -> list[str]:
    """The derived slug, then numbered variants, then a random suffix as a last resort."""
    base = derive(name)
    head = base[: MAX_LENGTH - 7].rstrip("-")  # room for "-" and a 6-character suffix
    numbered = [f"{head}-{n}" for n in range(2, attempts + 1)]
    suffix = ids.new_id()[-6:].lower()
    return [base, *numbered, f"{head}-{suffix}"]
