"""The suppressions API's shapes (requests forbid unknown fields; addresses validated per channel)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from shared.platform.channels import Channel
from shared.suppression.models import Reason

E164 = re.compile(r"^\+[1-9]\d{7,14}$")  # `+`, then 8 to 15 digits, no leading zero
MAX_ADDRESS_LENGTH = 320  # the longest valid email address
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)


def valid_address(channel: Channel, address: str) -> str:
    """The address in its stored form (emails lower-cased), or ValueError saying what is wrong."""
    if channel == Channel.EMAIL:
        try:
            return _EMAIL.validate_python(address).lower()
        except ValidationError as error:
            raise ValueError("is not a valid email address") from error
    if not E164.match(address):
        raise ValueError("must be an E.164 phone number: + and 8 to 15 digits")
    return address


class SuppressionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel
    address: str = Field(min_length=1, max_length=MAX_ADDRESS_LENGTH)
    reason: Literal["manual"] = "manual"  # bounces, complaints, STOP and unsubscribes add themselves

    @field_validator("address")
    @classmethod
    def _per_channel(cls, value: str, info: ValidationInfo) -> str:
        channel = info.data.get("channel")
        if channel is None:
            return value  # the channel's own error is reported instead
        return valid_address(Channel(channel), value)


class SuppressionOut(BaseModel):
    channel: Channel
    address: str
    reason: Reason
    source: str
    created_at: str


class SuppressionList(BaseModel):
    items: list[SuppressionOut]
    next_cursor: str | None = None
