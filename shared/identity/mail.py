"""What identity needs mailed (email verification, invitations): a port, not the outbox.

Identity sits below the outbox (the outbox reads users: whose messages a resident sees), so it says
what to send through `AccountMailer` and its callers pass the implementation in:
`shared.messaging.account_mail` (the handlers that mail, and the seeding). Tests can pass a fake.
"""

from __future__ import annotations

from typing import Protocol


class AccountMailer(Protocol):
    def send_verification(self, community_id: str, to: str, *, token: str, full_name: str,
                          community_name: str) -> str: ...

    def send_invitation(self, community_id: str, to: str, *, token: str, full_name: str | None,
                        community_name: str, inviter: str, role: str) -> str: ...
