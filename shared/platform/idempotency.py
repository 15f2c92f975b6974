"""`Idempotency-Key` for POSTs that create or send, on powertools idempotency.

Records live in the single table under the caller's community (`C#{id}#IDEM`), keyed by the
route, the user and the client's key; the request body is the validation payload, so the same
key with another body is refused (409 `IDEMPOTENCY_KEY_REUSED`). The body compared is the canonical
JSON (`shared.platform.bodies.canonical`: parsed, keys sorted), so the same JSON in another key order
or spacing is the same request. Answers below 500 are
replayed for 24 hours; a 5xx is not recorded, so the client may retry it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform import aws
from shared.platform.errors import Conflict, IdempotencyKeyReused
from shared.platform.settings import settings

TTL_S = 24 * 3600
MAX_KEY_LENGTH = 255


class _ServerError(Exception):
    """Raised inside the idempotent section so powertools drops the record of a 5xx."""

    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response


def run_once(
    *,
    scope_pk: str,
    key: str,
    route_key: str,
    user_id: str,
    body: str,  # canonical
    context: LambdaContext,
    run: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run `run()` (which returns the API Gateway response) at most once for this key."""
    persistence = DynamoDBPersistenceLayer(
        table_name=settings().require("table_name"),
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=scope_pk,
        expiry_attr="ttl",
        boto3_client=aws.client("dynamodb"),
    )
    config = IdempotencyConfig(
        event_key_jmespath="[route, user, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=TTL_S,
        raise_on_no_idempotency_key=True,
    )
    config.register_lambda_context(context)

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
    def once(request: dict[str, str]) -> dict[str, Any]:
        response = run()
        if int(response.get("statusCode", 500)) >= 500:
            raise _ServerError(response)
        return response

    request = {
        "route": route_key,
        "user": user_id,
        "key": key,
        "body": hashlib.sha256(body.encode()).hexdigest(),
    }
    try:
        return once(request=request)
    except _ServerError as failed:
        return failed.response
    except IdempotencyValidationError as exc:
        raise IdempotencyKeyReused() from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("A request with this Idempotency-Key is still in progress.") from exc
