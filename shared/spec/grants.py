"""What a function may touch in AWS; `infra/permissions.py` turns each into the narrowest IAM grant."""

from __future__ import annotations

from enum import StrEnum


class Grant(StrEnum):
    TABLE_READ = "table:read"
    TABLE_WRITE = "table:write"  # implies read
    SIGNING_KEY_READ = "signing-key:read"
    SIGNING_KEY_ROTATE = "signing-key:rotate"
    AUDIT_QUEUE_SEND = "queue:audit:send"
