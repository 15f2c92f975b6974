"""What a consumer does with an uploaded object: look at it, read it, accept it (untag) or delete it.

All calls are idempotent (deleting or untagging twice is fine), so a consumer can repeat them
when its event comes again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from botocore.exceptions import ClientError

from shared.platform import aws
from shared.uploads.presign import bucket

CHUNK_BYTES = 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    etag: str  # without quotes: which version of the key this is


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _MISSING


def head(key: str) -> StoredObject | None:
    """The object's real size and ETag, or None when there is no such object (any more)."""
    try:
        answer = aws.client("s3").head_object(Bucket=bucket(), Key=key)
    except ClientError as error:
        if _missing(error):
            return None
        raise
    return StoredObject(key=key, size=int(answer["ContentLength"]), etag=str(answer.get("ETag", "")).strip('"'))


def read_start(key: str, length: int) -> bytes:
    """The first `length` bytes (fewer when the object is smaller); b"" when it is gone."""
    try:
        answer = aws.client("s3").get_object(Bucket=bucket(), Key=key, Range=f"bytes=0-{max(0, length - 1)}")
    except ClientError as error:
        if _missing(error) or error.response.get("Error", {}).get("Code") == "InvalidRange":
            return b""
        raise
    return bytes(answer["Body"].read())


def chunks(key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The whole object, streamed in chunks (nothing when it is gone)."""
    try:
        answer = aws.client("s3").get_object(Bucket=bucket(), Key=key)
    except ClientError as error:
        if _missing(error):
            return
        raise
    body = answer["Body"]
    try:
        while chunk := body.read(chunk_bytes):
            yield bytes(chunk)
    finally:
        body.close()


def delete(key: str) -> None:
    aws.client("s3").delete_object(Bucket=bucket(), Key=key)


def untag(key: str) -> None:
    """Accept the object: without the pending tag, the bucket's lifecycle rule no longer expires it."""
    try:
        aws.client("s3").delete_object_tagging(Bucket=bucket(), Key=key)
    except ClientError as error:
        if not _missing(error):
            raise
