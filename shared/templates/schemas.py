"""Templates' API shapes, as the contract writes them (requests forbid unknown fields).

Bodies are not whitespace-stripped: a trailing newline in a text email is the author's choice.
Character limits here document the API; the service also bounds bodies in UTF-8 bytes, which is
what the 400 KB DynamoDB item limit counts.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.platform.channels import Category, Channel
from shared.platform.patching import PatchBody, not_null
from shared.templates.models import Template

MAX_NAME = 120
MAX_SUBJECT = 998  # RFC 5322's line limit; a subject is one header line
MAX_HTML_BYTES = 200_000
MAX_TEXT_BYTES = 100_000
MAX_SMS_CHARS = 1_600  # ten concatenated parts at most, which is already a lot for an SMS
MAX_VARIABLES = 100
MAX_VARIABLE_CHARS = 10_000

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
VariableName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
VariableValue = Annotated[str, StringConstraints(max_length=MAX_VARIABLE_CHARS)] | int | float | bool | None


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TemplateCreate(_Request):
    name: Name
    channel: Channel
    category: Category
    subject: str | None = Field(default=None, max_length=MAX_SUBJECT)
    html: str | None = Field(default=None, max_length=MAX_HTML_BYTES)
    text: str | None = Field(default=None, max_length=MAX_TEXT_BYTES)


class TemplateUpdate(_Request, PatchBody):
    """Only the fields given change; `null` clears subject, html or text."""

    name: Name | None = None
    channel: Channel | None = None
    category: Category | None = None
    subject: str | None = Field(default=None, max_length=MAX_SUBJECT)
    html: str | None = Field(default=None, max_length=MAX_HTML_BYTES)
    text: str | None = Field(default=None, max_length=MAX_TEXT_BYTES)

    _not_null = not_null("name", "channel", "category")


class PreviewRequest(_Request):
    """Exactly one of: the variables to fill in, or a resident to take them from."""

    variables: dict[VariableName, VariableValue] | None = Field(default=None, max_length=MAX_VARIABLES)
    resident_id: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _exactly_one(self) -> PreviewRequest:
        if (self.variables is None) == (self.resident_id is None):
            raise ValueError("give exactly one of variables or resident_id")
        return self


class TemplateOut(BaseModel):
    id: str
    name: str
    channel: Channel
    category: Category
    subject: str | None
    html: str | None
    text: str  # empty: the text part is derived from the HTML when sending
    variables: list[str]
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, template: Template) -> TemplateOut:
        return cls(
            id=template.id, name=template.name, channel=template.channel, category=template.category,
            subject=template.subject, html=template.html, text=template.text, variables=list(template.variables),
            version=template.version, created_at=template.created_at, updated_at=template.updated_at,
        )


class TemplateList(BaseModel):
    items: list[TemplateOut]
    next_cursor: str | None = None


class SmsOut(BaseModel):
    length: int
    segments: int
    encoding: Literal["GSM-7", "UCS-2"]


class PreviewOut(BaseModel):
    subject: str | None
    html: str | None
    text: str
    sms: SmsOut | None = None  # SMS templates only
