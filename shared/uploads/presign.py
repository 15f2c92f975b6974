"""Presigned POST (browser → S3 upload) and GET (S3 → browser download) for the uploads bucket.

A presigned POST's policy binds the exact key, the exact Content-Type, the pending tag and a
`content-length-range` of 1 to `max_bytes`: S3 itself refuses any other key, type or size, so
nothing the browser sends can land elsewhere or be bigger than declared. The signature is made
with the function's own credentials, which is why the presigning function's role holds
`s3:PutObject` (and `s3:PutObjectTagging`, the tag being part of the upload) on its prefix.

Every upload carries the bucket's pending tag (`BucketSpec.pending_tag`); the consumer that
accepts the object removes it (`store.untag`) and the bucket's lifecycle rule deletes whatever is
still tagged a day later. A download URL names the file in `Content-Disposition: attachment`, so a
browser saves it instead of rendering it on our origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote
from xml.sax.saxutils import escape

from shared.platform import aws, clock
from shared.platform.settings import settings
from shared.spec.resources import ASSETS_BUCKET
from shared.uploads.objects import safe_name

# A presigned POST is good for 15 minutes (the pending record lives a day): long enough for a 25 MB
# file on a slow line, and short so a leaked form is soon useless. Reuse within it changes nothing
# once the upload was decided (shared.assets.verify).
UPLOAD_TTL_S = 900
DOWNLOAD_TTL_S = 300  # the contract: download URLs are valid 5 minutes


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str] = field(default_factory=dict)
    expires_at: str = ""


@dataclass(frozen=True)
class PresignedGet:
    url: str
    expires_at: str


def bucket() -> str:
    return settings().require("assets_bucket")


def pending_tagging() -> str:
    """The `tagging` form field of every upload: the XML S3 POST wants for object tags."""
    key, value = ASSETS_BUCKET.pending_tag
    return (f"<Tagging><TagSet><Tag><Key>{escape(key)}</Key><Value>{escape(value)}</Value></Tag>"
            "</TagSet></Tagging>")


def presign_post(key: str, *, content_type: str, max_bytes: int, expires_s: int = UPLOAD_TTL_S) -> PresignedPost:
    """A POST form for exactly `key`, `content_type` and at most `max_bytes` bytes (at least one)."""
    if max_bytes < 1:
        raise ValueError("max_bytes must be at least 1")
    tagging = pending_tagging()
    answer = aws.client("s3").generate_presigned_post(
        Bucket=bucket(),
        Key=key,  # boto3 adds {"key": key} and {"bucket": ...} to the conditions
        Fields={"Content-Type": content_type, "tagging": tagging},
        Conditions=[{"Content-Type": content_type}, {"tagging": tagging}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_s,
    )
    expires_at = clock.iso(clock.now() + timedelta(seconds=expires_s))
    return PresignedPost(url=str(answer["url"]), fields={k: str(v) for k, v in answer["fields"].items()},
                         expires_at=expires_at)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII-safe `filename` and the exact name as RFC 6266 `filename*`."""
    return f"attachment; filename=\"{safe_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def presign_get(key: str, *, filename: str, content_type: str, expires_s: int = DOWNLOAD_TTL_S) -> PresignedGet:
    url = aws.client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket(),
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename),
            "ResponseContentType": content_type,
        },
        ExpiresIn=expires_s,
    )
    return PresignedGet(url=str(url), expires_at=clock.iso(clock.now() + timedelta(seconds=expires_s)))
