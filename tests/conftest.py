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
    PASSWORD_HASH_PROFILE="fast",  # argon2id still, with test-suite parameters
)
os.environ.pop("AWS_ENDPOINT_URL", None)

# The same moto as the local runtime's: transactions back up their items, expressions are parsed once.
from infra.local import moto_patches  # noqa: E402

moto_patches.install()


def reset_process_caches() -> None:
    """Forget cached values that differ per test (the signing secret is new each time).

    boto3 clients and PynamoDB connections are kept: moto intercepts requests at the botocore
    level for every client, so a client made in one test is mocked in the next, and making them
    again costs ~50 ms each. Resource names are the same in every test (see tests/support).
    """
    from aws_lambda_powertools.utilities import parameters

    from shared.platform.settings import settings

    settings.cache_clear()
    parameters.clear_caches()


def forget_aws_clients() -> None:
    """Also drop cached clients and connections: for tests that point boto3 at another endpoint."""
    from aws_lambda_powertools.utilities import parameters

    from shared.platform import aws, db

    reset_process_caches()
    aws.reset()
    db.unbind()  # the next bind() clears every model's connection
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


@pytest.fixture
def fresh_rate_windows() -> Iterator[None]:
    """Start the test just after an hour boundary, so every rate-limit window (60 s to 1 h, all dividing
    an hour) opens with the test: a test that fills a window does not straddle two fixed windows on a
    slow machine (CI once saw 30 logins cross a minute boundary and the 31st answer 401, not 429)."""
    from shared.platform import clock

    clock.travel(3600 - clock.epoch() % 3600 + 1)
    yield
    clock.travel(0)
