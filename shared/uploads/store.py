"""What a consumer does with an uploaded object: look at it, read it, accept it (untag) or delete it.

All calls are idempotent (deleting or untagging twice is fine), so a consumer can repeat them
when its event comes again. Reads and copies may be pinned to the ETag a consumer checked
(`etag=`): if the object was replaced meanwhile they raise `Changed` instead of mixing two uploads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from botocore.exceptions import ClientError

from shared.platform import aws
from shared.uploads.presign import bucket

CHUNK_BYTES = 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}
_CHANGED = {"412", "PreconditionFailed"}


class Changed(Exception):
    """The object is no longer the version (ETag) the caller checked: another upload replaced it."""


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


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code"))


def _if_match(etag: str | None) -> dict[str, str]:
    return {"IfMatch": f'"{etag}"'} if etag else {}


def read_start(key: str, length: int, *, etag: str | None = None) -> bytes:
    """The first `length` bytes (fewer when the object is smaller); b"" when it is gone."""
    try:
        answer = aws.client("s3").get_object(Bucket=bucket(), Key=key, Range=f"bytes=0-{max(0, length - 1)}",
                                             **_if_match(etag))
    except ClientError as error:
        if _code(error) in _CHANGED:
            raise Changed(key) from error
        if _missing(error) or _code(error) == "InvalidRange":
            return b""
        raise
    return bytes(answer["Body"].read())


def chunks(key: str, chunk_bytes: int = CHUNK_BYTES, *, etag: str | None = None) -> Iterator[bytes]:
    """The whole object, streamed in chunks (nothing when it is gone)."""
    try:
        answer = aws.client("s3").get_object(Bucket=bucket(), Key=key, **_if_match(etag))
    except ClientError as error:
        if _code(error) in _CHANGED:
            raise Changed(key) from error
        if _missing(error):
            return
        raise
    body = answer["Body"]
    try:
        while chunk := body.read(chunk_bytes):
            yield bytes(chunk)
    finally:
        body.close()


def copy(key: str, destination: str, *, etag: str) -> None:
    """Copy exactly the version `etag` of `key` to `destination`, without tags (so it never expires);
    `Changed` when `key` is no longer that version."""
    try:
        aws.client("s3").copy_object(Bucket=bucket(), Key=destination, CopySource={"Bucket": bucket(), "Key": key},
                                     CopySourceIfMatch=f'"{etag}"', TaggingDirective="REPLACE")
    except ClientError as error:
        if _code(error) in _CHANGED or _missing(error):
            raise Changed(key) from error
        raise


def delete(key: str) -> None:
    aws.client("s3").delete_object(Bucket=bucket(), Key=key)


def untag(key: str) -> None:
    """Accept the object: without the pending tag, the bucket's lifecycle rule no longer expires it."""
    try:
        aws.client("s3").delete_object_tagging(Bucket=bucket(), Key=key)
    except ClientError as error:
        if not _missing(error):
            raise


def read_all(key: str, *, etag: str | None = None) -> bytes:
    """The whole object in memory (a consumer's own size limit bounds it); b"" when it is gone."""
    return b"".join(chunks(key, etag=etag))


def put(key: str, data: bytes, *, content_type: str) -> None:
    """Write a file a consumer made (a thumbnail); writing the same bytes again is harmless."""
    aws.client("s3").put_object(Bucket=bucket(), Key=key, Body=data, ContentType=content_type)
