"""The `$default` route: whatever no route of the table matches answers the contract's 404 body.

Not a route of the table (it has no path, method or OpenAPI operation): API Gateway sends every
unmatched request here, and so does the local gateway. It reads nothing and touches no AWS service.
"""

from __future__ import annotations

import json
from typing import Any

from shared.platform.errors import error_body

BODY = json.dumps(error_body("NOT_FOUND", "No such path or method."))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "statusCode": 404,
        "headers": {"Content-Type": "application/json"},
        "body": BODY,
        "isBase64Encoded": False,
    }
