"""Test resources: provisioned by the local runtime's own code from `shared.spec.resources`.

So the tables and queues the integration tests run against are made exactly like the ones
`make dev` makes, which are made from the same spec as the stack's.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.config import LocalConfig
from infra.local.provision import provision
from shared.platform import aws
from shared.spec.resources import function_environment


def create_all(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    provisioned = provision(aws.client, LocalConfig(seed=False))
    env = function_environment(
        stage="test",
        version="0.0.0-test",
        table_name=provisioned.table,
        signing_key_secret_id=provisioned.secret_id,
        mfa_key_id=provisioned.mfa_key_id,
        bucket_name=provisioned.bucket,
        queue_urls=provisioned.queue_urls,
        queue_arns=provisioned.queue_arns,
        schedule_group=provisioned.schedule_group,
        scheduler_role_arn=provisioned.scheduler_role_arn,
        ses_configuration_set=provisioned.ses_configuration_set,
        mail_from_domain="porchlight.dev",
        public_api_url="https://api.porchlight.test",
        app_url="https://app.porchlight.test",
        log_level="WARNING",
        ses_max_send_rate=100_000,  # pacing has its own unit test; here it would only slow the suite
    )
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    queues = dict(provisioned.queue_urls) | {f"{k}Dlq": q.dlq_url for k, q in provisioned.queues.items()}
    return {"env": env, "queues": queues, "table": provisioned.table, "secret_id": provisioned.secret_id}
