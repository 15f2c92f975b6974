"""Typed settings read from the function's environment once, on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What a function needs to find its resources; names come from `shared.spec.resources`."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    stage: str = Field(default="local", alias="STAGE")
    version: str = Field(default="0.1.0", alias="APP_VERSION")
    table_name: str = Field(default="", alias="TABLE_NAME")
    signing_key_secret_id: str = Field(default="", alias="SIGNING_KEY_SECRET_ID")
    mfa_key_id: str = Field(default="", alias="MFA_KEY_ID")
    audit_queue_url: str = Field(default="", alias="AUDIT_QUEUE_URL")
    assets_bucket: str = Field(default="", alias="ASSETS_BUCKET")
    schedule_group: str = Field(default="", alias="SCHEDULE_GROUP")
    scheduler_role_arn: str = Field(default="", alias="SCHEDULER_ROLE_ARN")
    outbox_queue_url: str = Field(default="", alias="OUTBOX_QUEUE_URL")  # the bulk lane
    priority_outbox_queue_url: str = Field(default="", alias="PRIORITY_OUTBOX_QUEUE_URL")
    # "lanes": campaign chunks on the bulk lane, everything else on the priority lane (shared.messaging.outbox).
    # "single": the design before lanes (every message on the bulk queue, no message groups): kept so
    # `make bench-lanes` can measure both in one run; never set in AWS.
    outbox_routing: str = Field(default="lanes", pattern="^(lanes|single)$", alias="OUTBOX_ROUTING")
    campaigns_queue_url: str = Field(default="", alias="CAMPAIGNS_QUEUE_URL")
    campaigns_queue_arn: str = Field(default="", alias="CAMPAIGNS_QUEUE_ARN")  # target of campaign schedules
    rent_queue_url: str = Field(default="", alias="RENT_QUEUE_URL")  # the rent job's fan-out (issue 11)
    notice_queue_url: str = Field(default="", alias="NOTICE_QUEUE_URL")  # NoticeReminders' fan-out (issue 14)
    ledger_events_queue_url: str = Field(default="", alias="LEDGER_EVENTS_QUEUE_URL")  # payments → notices
    # the work-order SLA watch's fan-out (issue 13)
    work_order_sla_queue_url: str = Field(default="", alias="WORK_ORDER_SLA_QUEUE_URL")
    # The account's SES maximum send rate (messages/s); each outbox worker paces itself to its share
    # of it (shared.messaging.pacing). SES's sandbox default is 1; a production account's is higher.
    # The local SES simulator enforces the same number (infra/local/ses_simulator.py).
    ses_max_send_rate: float = Field(default=14.0, gt=0, alias="SES_MAX_SEND_RATE")
    # How many workers of one outbox lane run at once, when it is not the event source mapping's cap
    # (QueueSpec.max_concurrency): the local runtime sets 1 (its workers of a lane share one process, one bucket).
    outbox_workers: int | None = Field(default=None, ge=1, alias="OUTBOX_WORKERS")
    ses_configuration_set: str = Field(default="", alias="SES_CONFIGURATION_SET")
    mail_from_domain: str = Field(default="", alias="MAIL_FROM_DOMAIN")
    public_api_url: str = Field(default="", alias="PUBLIC_API_URL")
    app_url: str = Field(default="http://localhost:5173", alias="APP_URL")
    # Issue 12: the residents' portal page a magic link opens, and the queue of public account-mail requests.
    portal_url: str = Field(default="http://localhost:5173/portal", alias="PORTAL_URL")
    account_mail_queue_url: str = Field(default="", alias="ACCOUNT_MAIL_QUEUE_URL")
    password_hash_profile: str = Field(default="default", alias="PASSWORD_HASH_PROFILE")
    # Scales every rate limit (shared.platform.ratelimit); 1 in AWS. The e2e suite, which signs up
    # dozens of communities from 127.0.0.1 in a minute, runs its local runtime with a larger one.
    rate_limit_multiplier: int = Field(default=1, ge=1, alias="RATE_LIMIT_MULTIPLIER")

    def require(self, name: str) -> str:
        """The named setting, or a clear configuration error instead of a confusing AWS one."""
        value = getattr(self, name)
        if not value:
            raise RuntimeError(f"setting {name!r} is not configured for this function")
        return str(value)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()
