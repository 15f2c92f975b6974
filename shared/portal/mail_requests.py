"""Account-mail requests: what the public endpoints do before any lookup (issue 12).

`POST /v1/auth/magic-link` and `POST /v1/auth/password/forgot` must not tell anyone whether an
address exists, neither by their answer nor by their timing. So the handler looks nothing up: it
counts the per-IP and per-address rate limits (one conditional UpdateItem each) and puts the request
on the AccountMail queue (one SendMessage), the same three AWS calls in the same order whether the
address is a resident's, a staff member's or nobody's. The queue's worker (`shared.portal.worker`)
decides whether a mail goes out, through the outbox like every other mail, and audits the attempt.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.platform import aws, clock, ids, ratelimit
from shared.platform.context import RequestMeta
from shared.platform.settings import settings

Kind = Literal["magic_link", "password_reset", "portal_invite"]


class AccountRequest(BaseModel):
    """One queued request. The address travels in the (encrypted) queue, never in a log line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default_factory=ids.new_id)
    kind: Kind
    community: str | None = None  # slug, as the public caller gave it (None: the platform's super admin)
    community_id: str | None = None  # known already when staff invite a resident
    email: str | None = None
    resident_id: str | None = None  # a staff portal invitation names the resident
    actor_id: str | None = None
    ip: str = ""
    user_agent: str = ""
    at: str = Field(default_factory=clock.iso)

    @property
    def meta(self) -> RequestMeta:
        return RequestMeta(ip=self.ip, user_agent=self.user_agent)


def _enqueue(request: AccountRequest) -> None:
    aws.client("sqs").send_message(
        QueueUrl=settings().require("account_mail_queue_url"), MessageBody=request.model_dump_json()
    )


def magic_link(community: str, email: str, meta: RequestMeta) -> None:
    ratelimit.hit(ratelimit.MAGIC_LINK_PER_IP, meta.ip)
    ratelimit.hit(ratelimit.MAGIC_LINK_PER_ADDRESS, f"{community}:{email}")
    _enqueue(AccountRequest(kind="magic_link", community=community, email=email, ip=meta.ip,
                            user_agent=meta.user_agent[:512]))


def password_reset(community: str | None, email: str, meta: RequestMeta) -> None:
    ratelimit.hit(ratelimit.PASSWORD_FORGOT_PER_IP, meta.ip)
    ratelimit.hit(ratelimit.PASSWORD_FORGOT_PER_ADDRESS, f"{community or ''}:{email}")
    _enqueue(AccountRequest(kind="password_reset", community=community, email=email, ip=meta.ip,
                            user_agent=meta.user_agent[:512]))


def portal_invite(community_id: str, resident_id: str, actor_id: str, meta: RequestMeta) -> None:
    _enqueue(AccountRequest(kind="portal_invite", community_id=community_id, resident_id=resident_id,
                            actor_id=actor_id, ip=meta.ip, user_agent=meta.user_agent[:512]))
