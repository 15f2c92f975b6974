"""The one check of what a caller declares before an upload form is signed: its type is one the consumer
accepts (else 422 on `content_type`) and its size within that type's limit (else 413 on `size`). The
bytes are checked again once they land (`verdict`); this refuses early what could never pass."""

from __future__ import annotations

from collections.abc import Callable, Collection

from shared.platform.errors import FieldError, PayloadTooLarge, ValidationFailed


def check(content_type: str, size: int, *, allowed: Collection[str], max_bytes: Callable[[str], int],
          noun: str = "files") -> None:
    if content_type not in allowed:
        raise ValidationFailed(details=[FieldError("content_type", f"must be one of: {', '.join(sorted(allowed))}")])
    limit = max_bytes(content_type)
    if size > limit:
        raise PayloadTooLarge(f"{content_type} {noun} may be at most {limit} bytes.",
                              details=[FieldError("size", f"must be at most {limit}")])
