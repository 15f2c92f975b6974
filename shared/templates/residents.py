"""Where a resident's template variables come from (template previews and `POST /v1/messages`).

The residents directory answers: the resident's `first_name`, `last_name`, `full_name`, `email`,
`unit` and `balance` (the `STANDARD_VARIABLES` of `shared.templates.render` that a resident
provides), plus `phone`, which the outbox uses to address an SMS. None means there is no such
resident in this community, which callers answer 404 "No such resident.".
"""

from __future__ import annotations

from shared.residents import service


def variables_for(community_id: str, resident_id: str) -> dict[str, object] | None:
    """The variables of this community's resident, or None when there is no such resident."""
    return service.variables_for(community_id, resident_id)
