"""Assets: files a community keeps (documents, minutes, notices, photos), and who may see each one."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.spec.permissions import Role

MB = 1024 * 1024


class Kind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    VIDEO = "video"


# The contract's table: what may be uploaded, and how big it may be.
MAX_BYTES: dict[Kind, int] = {Kind.IMAGE: 10 * MB, Kind.DOCUMENT: 25 * MB, Kind.VIDEO: 200 * MB}
ALLOWED_TYPES: dict[str, Kind] = {
    "image/jpeg": Kind.IMAGE,
    "image/png": Kind.IMAGE,
    "image/webp": Kind.IMAGE,
    "image/gif": Kind.IMAGE,
    "application/pdf": Kind.DOCUMENT,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": Kind.DOCUMENT,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": Kind.DOCUMENT,
    "text/csv": Kind.DOCUMENT,
    "text/plain": Kind.DOCUMENT,
    "video/mp4": Kind.VIDEO,
    "video/quicktime": Kind.VIDEO,
}


def max_bytes(content_type: str) -> int:
    return MAX_BYTES[ALLOWED_TYPES[content_type]]


class Status(StrEnum):
    PENDING = "pending"  # announced, bytes not (yet) uploaded or checked
    READY = "ready"  # uploaded and its bytes are what was declared
    REJECTED = "rejected"  # its bytes were not what was declared; the object was deleted


class Visibility(StrEnum):
    STAFF = "staff"
    RESIDENTS = "residents"
    OWNERS = "owners"
    TENANTS = "tenants"
    BOARD = "board"


# Who each visibility is for; admins and managers (assets.manage) see everything regardless.
AUDIENCE: dict[Visibility, frozenset[Role]] = {
    Visibility.STAFF: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD}),
    Visibility.RESIDENTS: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD, Role.OWNER, Role.TENANT}),
    Visibility.OWNERS: frozenset({Role.ADMIN, Role.MANAGER, Role.OWNER}),
    Visibility.TENANTS: frozenset({Role.ADMIN, Role.MANAGER, Role.TENANT}),
    Visibility.BOARD: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD}),
}


def visible_to(role: Role) -> frozenset[Visibility]:
    return frozenset(v for v, roles in AUDIENCE.items() if role in roles)


class Asset(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    name: str  # display and download name, as the user gave it
    content_type: str
    size: int  # declared; once ready, also the stored object's size
    folder: str  # "" is the top level
    tags: list[str]
    visibility: Visibility
    status: Status
    object_key: str
    etag: str | None = None  # of the object version that was checked
    rejection_reason: str | None = None
    uploaded_by: str
    created_at: str
    updated_at: str
    expires_at: int | None = None  # pending only: after this (epoch s) the upload is abandoned

    def is_image(self) -> bool:
        return ALLOWED_TYPES.get(self.content_type) == Kind.IMAGE
