"""Files that mails carry, kept in the assets bucket under `mail-attachments/` (a lifecycle rule expires them).

The producer (e.g. a notice served by email) stores the bytes once and queues the message with an
`Attachment` naming the key; the delivery worker reads them at send time, so a message item and an SQS
body stay small whatever the file's size. Keys: `mail-attachments/{community_id}/{owner}/{filename}`.
"""

from __future__ import annotations

import re

from botocore.exceptions import ClientError

from shared.messaging.models import Attachment
from shared.platform import aws
from shared.platform.settings import settings
from shared.spec.resources import ASSETS_BUCKET

PREFIX = ASSETS_BUCKET.mail_attachments_prefix
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class Missing(Exception):
    """The attachment's object is gone (expired, deleted): the mail cannot be built."""


def key_for(community_id: str, owner: str, filename: str) -> str:
    parts = (_SAFE.sub("_", community_id), _SAFE.sub("_", owner), _SAFE.sub("_", filename)[:200])
    return f"{PREFIX}/{parts[0]}/{parts[1]}/{parts[2]}"


def store(community_id: str, owner: str, filename: str, content_type: str, data: bytes) -> Attachment:
    """Keep `data` for a mail (writing the same owner and name twice overwrites: idempotent)."""
    key = key_for(community_id, owner, filename)
    aws.client("s3").put_object(Bucket=settings().require("assets_bucket"), Key=key, Body=data,
                                ContentType=content_type)
    return Attachment(key=key, filename=filename, content_type=content_type)


def fetch(attachment: Attachment) -> bytes:
    """The attachment's bytes; `Missing` when its object is gone (any other S3 error is raised as is)."""
    try:
        answer = aws.client("s3").get_object(Bucket=settings().require("assets_bucket"), Key=attachment.key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            raise Missing(f"attachment {attachment.filename} is gone") from error
        raise
    return bytes(answer["Body"].read())
