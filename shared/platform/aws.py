"""Cached boto3 clients: created on first use, never at import (cold start, and tests can patch)."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)
# Per service, on top of _CONFIG. S3: presigned POST/GET are SigV4 (what the bucket policy's TLS and
# every region accept), whatever the SDK default of the day is.
_SERVICE_CONFIG: dict[str, Config] = {"s3": Config(signature_version="s3v4")}


@cache
def client(service: str) -> Any:
    config = _CONFIG.merge(_SERVICE_CONFIG[service]) if service in _SERVICE_CONFIG else _CONFIG
    return boto3.client(service, config=config)


def reset() -> None:
    """Forget cached clients (tests switch moto mocks and endpoints between cases)."""
    client.cache_clear()
