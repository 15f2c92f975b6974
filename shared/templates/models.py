"""Templates' domain model: what the repository returns and the service and outbox work with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.platform.channels import Category, Channel


class Template(BaseModel):
    """One message template. An empty `text` means "derive it from the HTML when rendering"."""

    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    name: str
    channel: Channel
    category: Category
    subject: str | None = None
    html: str | None = None
    text: str = ""
    variables: list[str]  # every variable the sources use, sorted; computed on write
    version: int  # 1 on create, +1 on every edit
    in_use: int = 0  # scheduled campaigns holding it: edits and deletes wait until it is 0
    created_at: str
    updated_at: str
