"""PATCH bodies: only the fields given change, some may not be set to null, and an empty body is a 422."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, field_validator, model_validator


def _reject_null(value: object) -> object:
    if value is None:
        raise ValueError("may not be null")
    return value


def not_null(*fields: str) -> Any:
    """A validator refusing an explicit `null` for `fields` (omitting them is fine): `_x = not_null("a", "b")`."""
    return field_validator(*fields)(_reject_null)


class PatchBody(BaseModel):
    """Mixin for PATCH request models: at least one field must be given."""

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self
