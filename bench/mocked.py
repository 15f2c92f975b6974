"""What the moto benchmarks share: fake credentials, the stack's resources on moto, call counters.

Importing this module sets fake AWS credentials (before any client exists), so a benchmark can never
reach a real account.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

os.environ.update(  # never real AWS: fake credentials before any client exists
    AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_SESSION_TOKEN="bench",
    AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true", POWERTOOLS_SERVICE_NAME="porchlight",
    POWERTOOLS_METRICS_NAMESPACE="Porchlight", POWERTOOLS_LOG_LEVEL="WARNING",
)
os.environ.pop("AWS_ENDPOINT_URL", None)


class Calls:
    """DynamoDB calls by operation, from botocore's `before-call` event."""

    def __init__(self) -> None:
        self.by_operation: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.by_operation[model.name] += 1

    def total(self) -> int:
        return sum(self.by_operation.values())


class Cancelled:
    """TransactWriteItems answers that were errors (with no backup, a rollback would be missing)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, parsed: dict[str, Any], **_: Any) -> None:
        if "Error" in parsed:
            self.count += 1


def provision_stack() -> Any:
    """Inside `mock_aws()`: the stack's resources from the spec, the functions' environment pointing at
    them, and the embedded AWS's item-level transaction rollback. Returns what `provision` made."""
    from infra.local import moto_patches
    from infra.local.config import LocalConfig
    from infra.local.provision import provision
    from shared.platform import aws
    from shared.spec.resources import function_environment

    provisioned = provision(aws.client, LocalConfig(seed=False))
    os.environ.update(function_environment(
        stage="bench", version="bench", table_name=provisioned.table,
        signing_key_secret_id=provisioned.secret_id, mfa_key_id=provisioned.mfa_key_id,
        bucket_name=provisioned.bucket, queue_urls=provisioned.queue_urls, queue_arns=provisioned.queue_arns,
        schedule_group=provisioned.schedule_group, scheduler_role_arn=provisioned.scheduler_role_arn,
        ses_configuration_set=provisioned.ses_configuration_set, mail_from_domain="porchlight.dev",
        public_api_url="https://api.porchlight.test", app_url="https://app.porchlight.test",
        log_level="WARNING"))
    moto_patches.install()
    return provisioned
