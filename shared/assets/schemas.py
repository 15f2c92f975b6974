"""The assets API's shapes, as the contract writes them (requests forbid unknown fields).

Types and sizes are checked by the service, not here, so that an unknown type is 422 and a known
type that is too big is 413 `PAYLOAD_TOO_LARGE`, as the contract's table says.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shared.assets.models import Asset, Status, Visibility
from shared.platform.patching import PatchBody, not_null

MAX_NAME = 255
MAX_FOLDER = 200
MAX_TAGS = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("may not contain control characters")
    return value


def _folder(value: str) -> str:
    """`a/b/c`: segments without control characters; slashes around it are dropped, `//` is refused."""
    value = _no_control(value).strip().strip("/")
    if value and any(not part.strip() or part in (".", "..") for part in value.split("/")):
        raise ValueError("must be folder names separated by single slashes, without '.' or '..'")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME),
                 AfterValidator(_no_control)]
Folder = Annotated[str, StringConstraints(max_length=MAX_FOLDER), AfterValidator(_folder)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), AfterValidator(_no_control)]


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssetCreate(_Request):
    filename: Name
    content_type: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=1, strict=True, description="bytes; the upload may not be bigger")
    folder: Folder = ""
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_unique)] = Field(default_factory=list)
    visibility: Visibility = Visibility.STAFF

    @field_validator("content_type")
    @classmethod
    def _media_type(cls, value: str) -> str:
        """`Text/CSV; charset=utf-8` -> `text/csv`: the type the upload is bound to."""
        return value.split(";", 1)[0].strip().lower()


class AssetUpdate(_Request, PatchBody):
    """Only the fields given change."""

    name: Name | None = None
    folder: Folder | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_unique)] | None = None
    visibility: Visibility | None = None

    _not_null = not_null("name", "folder", "tags", "visibility")


class AssetOut(BaseModel):
    id: str
    name: str
    content_type: str
    size: int
    folder: str
    tags: list[str]
    visibility: Visibility
    status: Status
    rejection_reason: str | None = None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, asset: Asset) -> AssetOut:
        return cls(id=asset.id, name=asset.name, content_type=asset.content_type, size=asset.size,
                   folder=asset.folder, tags=list(asset.tags), visibility=asset.visibility, status=asset.status,
                   rejection_reason=asset.rejection_reason, created_at=asset.created_at,
                   updated_at=asset.updated_at)


class UploadForm(BaseModel):
    """POST these `fields` (then the file as `file`, last) as multipart/form-data to `url`."""

    url: str
    fields: dict[str, str]
    expires_at: str


class AssetCreated(BaseModel):
    asset: AssetOut
    upload: UploadForm


class AssetList(BaseModel):
    items: list[AssetOut]
    next_cursor: str | None = None


class DownloadOut(BaseModel):
    url: str
    expires_at: str
