"""Where a resident's template variables come from (template previews and `POST /v1/messages`).

The residents directory arrives with its own issue; that issue fills `variables_for` from the
resident and their unit, ledger and community: the `STANDARD_VARIABLES` of
`shared.templates.render`, plus `phone`, which the outbox uses to address an SMS. Until then
there is no resident to find, so every lookup answers None and callers answer 404
"No such resident." — the contract's answer for an unknown id.
"""

from __future__ import annotations


def variables_for(community_id: str, resident_id: str) -> dict[str, object] | None:
    """The variables of this community's resident, or None when there is no such resident."""
    return None
