"""Shared fixtures: fake credentials, a fresh moto account per test, resources built from the spec."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# No test may reach real AWS: fake credentials and region before anything creates a client.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_SERVICE_NAME="porchlight",
    POWERTOOLS_METRICS_NAMESPACE="Porchlight",
    POWERTOOLS_LOG_LEVEL="WARNING",
)
os.environ.pop("AWS_ENDPOINT_URL", None)


def reset_process_caches() -> None:
    """Forget every per-process cache that holds AWS clients, names or secrets."""
    from aws_lambda_powertools.utilities import parameters

    from shared.platform import aws, db
    from shared.platform.settings import settings

    settings.cache_clear()
    aws.reset()
    db.unbind()
    parameters.clear_caches()
    parameters.base.DEFAULT_PROVIDERS.clear()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A fresh moto account with the table, queues, bucket and secret made from the spec."""
    from moto import mock_aws

    from tests.support.resources import create_all

    with mock_aws():
        reset_process_caches()
        names = create_all(monkeypatch)
        yield names
        reset_process_caches()
