"""Fixed-window rate limits, counted atomically in the table (one conditional UpdateItem per check).

Each (rule, subject, window) is one item whose counter is incremented only while it is below the
limit; the condition failing is the "too many" answer, so concurrent Lambdas cannot overshoot.
Items expire by TTL two windows later. Subjects are hashed: an IP or email never sits in a key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from botocore.exceptions import ClientError

from shared.platform import aws, clock, keys
from shared.platform.errors import RateLimited
from shared.platform.observability import logger
from shared.platform.settings import settings


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_s: int


# Per IP: generous enough for an office behind one NAT, tight enough to stop spraying.
LOGIN_PER_IP = Rule("login-ip", 30, 60)
LOGIN_PER_ACCOUNT = Rule("login-account", 10, 60)
MFA_PER_IP = Rule("mfa-ip", 30, 60)
MFA_PER_ACCOUNT = Rule("mfa-account", 10, 300)  # with 5 codes per mfa_token: no brute force of 6 digits
SIGNUP_PER_IP = Rule("signup-ip", 10, 3600)
INVITE_ACCEPT_PER_IP = Rule("invite-accept-ip", 20, 600)
VERIFY_EMAIL_PER_IP = Rule("verify-email-ip", 20, 600)
RESEND_VERIFICATION_PER_ACCOUNT = Rule("verify-resend-account", 5, 3600)
# Issue 12: magic links and password resets. Per address: a few mails an hour (a mailbox is not a
# target to flood); per IP: enough for a building's shared connection.
MAGIC_LINK_PER_IP = Rule("magic-link-ip", 20, 600)
MAGIC_LINK_PER_ADDRESS = Rule("magic-link-address", 5, 3600)
MAGIC_VERIFY_PER_IP = Rule("magic-verify-ip", 30, 600)
MAGIC_VERIFY_PER_ADDRESS = Rule("magic-verify-address", 10, 900)  # with 5 wrong codes per link
PASSWORD_FORGOT_PER_IP = Rule("password-forgot-ip", 20, 600)
PASSWORD_FORGOT_PER_ADDRESS = Rule("password-forgot-address", 5, 3600)
PASSWORD_RESET_PER_IP = Rule("password-reset-ip", 20, 600)


def _subject(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def hit(rule: Rule, subject: str) -> None:
    """Count one attempt; raise `RateLimited` when the window's limit is already reached."""
    if not subject:
        return
    limit = rule.limit * settings().rate_limit_multiplier
    now = clock.epoch()
    window = now - now % rule.window_s
    pk, sk = keys.rate_limit(rule.name, _subject(subject), window)
    try:
        aws.client("dynamodb").update_item(
            TableName=settings().require("table_name"),
            Key={"pk": {"S": pk}, "sk": {"S": sk}},
            UpdateExpression="ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)",
            ConditionExpression="attribute_not_exists(#n) OR #n < :limit",
            ExpressionAttributeNames={"#n": "hits", "#ttl": "ttl"},
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":limit": {"N": str(limit)},
                ":ttl": {"N": str(window + 2 * rule.window_s)},
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            logger.info("rate limited", extra={"rule": rule.name})
            raise RateLimited() from error
        raise
