"""Scheduled job: rotate the token-signing key (EventBridge rule, see shared.spec.resources)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform import aws, clock, ids, signing
from shared.platform.observability import logger
from shared.platform.settings import settings


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    secret_id = settings().require("signing_key_secret_id")
    client = aws.client("secretsmanager")
    current = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    document = signing.rotated(current, new_kid=ids.new_id(), new_secret=ids.token(48), now_epoch=clock.epoch())
    client.put_secret_value(SecretId=secret_id, SecretString=json.dumps(document))
    logger.info("signing key rotated", extra={"kid": document["kid"], "still_accepted": len(document["previous"])})
    return {"kid": document["kid"], "previous": [p["kid"] for p in document["previous"]]}
