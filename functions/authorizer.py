"""The HTTP API's Lambda authorizer (payload 2.0, simple responses).

It verifies the access token and that its session is still active, then hands the caller's
identifiers (and whether their email is verified) to the route as context. An invalid token is not
denied here but passed on as `auth_error`, so the function answers the contract's 401
`AUTH_TOKEN_INVALID` body instead of API Gateway's bare 403 (the SPA refreshes on 401). API Gateway
caches each result for `AUTHORIZER_CACHE_TTL_S`: the bound on how long a revoked session keeps working.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.identity import repository, tokens
from shared.platform import clock
from shared.platform.errors import ApiError
from shared.platform.observability import logger
from shared.properties import assigned

_BEARER = "bearer "


def authorize(authorization: str | None) -> dict[str, Any]:
    if not authorization or not authorization.lower().startswith(_BEARER):
        return {"auth_error": "AUTH_REQUIRED"}
    try:
        claims = tokens.verify_access(authorization[len(_BEARER):].strip())
    except ApiError as error:
        return {"auth_error": error.code}
    caller = claims.caller
    session = repository.get_session(caller.community_id, caller.user_id, caller.session_id)
    if session is None or session.status != "active" or session.expires_at <= clock.epoch():
        return {"auth_error": "AUTH_TOKEN_INVALID"}
    if assigned.scopable(caller.role) and assigned.is_scoped(caller.community_id, caller.user_id):
        caller = dataclasses.replace(caller, scoped=True)
    # Whether the address is verified gates the privileged permissions (shared.spec.permissions,
    # VERIFIED_EMAIL_REQUIRED); read here, once per token per cache period, not in every handler.
    user = repository.get_user(caller.community_id, caller.user_id)
    caller = dataclasses.replace(caller, email_verified=user is not None and user.email_verified)
    return caller.to_context(claims.expires_at)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    result = authorize(headers.get("authorization"))
    if "auth_error" in result:
        logger.info("token refused", extra={"reason": result["auth_error"]})
    # Always authorized: the route decides, from the context, and answers the contract's error.
    return {"isAuthorized": True, "context": result}
