"""The process environment the handlers run with: what Lambda would give each function.

The handlers run in this process and find AWS through boto3's own configuration, so the
runtime sets fake credentials, the region, AWS_ENDPOINT_URL (the embedded AWS) and the values
of `function_environment(...)` for stage "local", and removes anything that could point boto3
at a real account (profiles, session tokens, per-service endpoints). `apply()` returns the
previous values so an in-process runtime leaves the environment as it found it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping

from infra.local.config import REGION, SES_DOMAIN, LocalConfig, app_version
from infra.local.embedded_aws import FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from infra.local.provision import Provisioned
from shared.spec.resources import SES_CONFIGURATION_SET, function_environment

_REMOVED_PREFIXES = ("AWS_ENDPOINT_URL_",)
_REMOVED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


def handler_environment(
    config: LocalConfig, aws_url: str, provisioned: Provisioned, public_api_url: str = ""
) -> dict[str, str]:
    env = {
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": aws_url,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_DEV": "true",
        "OUTBOX_ROUTING": config.outbox_routing,
        # A lane's local workers run in this one process and share one token bucket: the lane's whole budget.
        "OUTBOX_WORKERS": "1",
    }
    env.update(
        function_environment(
            stage=config.names.stage,
            version=app_version(),
            table_name=provisioned.table,
            signing_key_secret_id=provisioned.secret_id,
            mfa_key_id=provisioned.mfa_key_id,
            bucket_name=provisioned.bucket,
            queue_urls=provisioned.queue_urls,
            queue_arns=provisioned.queue_arns,
            schedule_group=provisioned.schedule_group,
            scheduler_role_arn=provisioned.scheduler_role_arn,
            ses_configuration_set=f"{SES_CONFIGURATION_SET}-{config.names.stage}",
            mail_from_domain=SES_DOMAIN,
            public_api_url=public_api_url,
            app_url=config.spa_origins[0],
            log_level=config.log_level,
            ses_max_send_rate=config.ses_max_send_rate,
            # Magic links open the local server's own page, which shows the token and the code (issue 12).
            portal_url=f"{public_api_url.rstrip('/')}/_dev/portal" if public_api_url else "",
        )
    )
    return env


def apply(env: Mapping[str, str]) -> dict[str, str | None]:
    """Set `env` (and drop real-account settings); return what to give `restore` to undo it."""
    previous: dict[str, str | None] = {}
    doomed = [k for k in os.environ if k in _REMOVED or k.startswith(_REMOVED_PREFIXES)]
    for key in [*doomed, *env]:
        previous.setdefault(key, os.environ.get(key))
    for key in doomed:
        del os.environ[key]
    os.environ.update(env)
    forget_cached_configuration()
    return previous


def restore(previous: Mapping[str, str | None]) -> None:
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    forget_cached_configuration()


def forget_cached_configuration() -> None:
    """Drop what the shared code cached from an earlier environment (settings, clients, table binding).

    Only matters when the runtime starts in a process that already ran handler code (tests);
    each hook is optional so the runtime does not depend on those modules' internals.
    """
    hooks = (
        ("shared.platform.settings", "settings", "cache_clear"),
        ("shared.platform.aws", "reset", None),
        ("shared.platform.db", "unbind", None),
    )
    for module_name, attribute, method in hooks:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        target = getattr(module, attribute, None)
        if method is not None:
            target = getattr(target, method, None)
        if callable(target):
            target()
