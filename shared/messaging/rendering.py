"""Rendering a message at delivery: campaign recipients carry their variables, not their content.

The template is compiled once per worker (`Prepared`, cached by id and version: versions never
change, so the cache cannot go stale). A message that cannot be rendered fails at once
(`Unrenderable`): retrying cannot help.
"""

from __future__ import annotations

from functools import lru_cache

from shared.messaging.models import Message
from shared.platform.errors import ApiError
from shared.templates import service as templates
from shared.templates.render import Prepared


class Unrenderable(Exception):
    """The message cannot be rendered or built (template gone, changed or failing, a variable
    missing, a header that cannot be encoded): it fails at once, since retrying cannot help."""


@lru_cache(maxsize=32)
def _prepared(community_id: str, template_id: str, version: int) -> Prepared | None:
    template = templates.get(community_id, template_id)
    if template is None or template.version != version:
        return None
    return Prepared(template)


def _why(error: ApiError) -> str:
    """`CODE: field: problem; ...` — the template error as a failure reason."""
    details = "; ".join(f"{d.field}: {d.message}" for d in error.details)
    return f"{error.code}: {details or error.message}"


def content(message: Message, *, community_name: str, unsubscribe_url: str) -> Message:
    """The message with its subject/html/text: as stored, or rendered now from its variables."""
    if message.variables is None:
        return message
    if message.template_id is None or message.template_version is None:
        raise Unrenderable("the message has variables but no template")
    try:
        prepared = _prepared(message.community_id, message.template_id, message.template_version)
    except ApiError as error:  # stored before templates were compiled at save, or the rules tightened
        raise Unrenderable(f"template {message.template_id} v{message.template_version}: {_why(error)}") from error
    if prepared is None:
        raise Unrenderable(f"template {message.template_id} v{message.template_version} is gone")
    variables = dict(message.variables)
    variables.update({"community_name": community_name, "unsubscribe_url": unsubscribe_url})
    try:
        rendered = prepared.render(variables)
    except ApiError as error:
        raise Unrenderable(_why(error)) from error
    return message.model_copy(update={"subject": rendered.subject, "html": rendered.html, "text": rendered.text})
