"""The route table: every HTTP endpoint, declared once.

From this list the CDK app makes one Lambda function and one HTTP API route per entry (behind the
authorizer unless `public`), the local runtime routes requests, the handlers register themselves
(`shared.platform.http.endpoint`), and the OpenAPI document is assembled. Request and response
models are the type hints of the handler function, so they are declared once too.

Adding an endpoint = one handler module under `functions/api/` + one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.spec.grants import Grant
from shared.spec.permissions import Permission


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway syntax: /v1/things/{id}
    handler: str  # module holding `handler`
    permission: Permission | None  # None only for public routes
    domain: str  # OpenAPI tag and the nested stack that holds the function
    summary: str
    grants: tuple[Grant, ...] = ()
    status: int = 200
    public: bool = False
    # Reachable with the restricted token a user gets while MFA enrollment is pending.
    allow_pending_mfa: bool = False
    # Honours `Idempotency-Key` (the contract: every POST that creates or sends).
    idempotent: bool = False
    memory_mb: int = 256
    timeout_s: int = 10

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def name(self) -> str:
        """Stable identifier: the handler module without the package prefix."""
        return self.handler.removeprefix("functions.api.").replace(".", "-").replace("_", "-")


_R = Grant.TABLE_READ
_W = Grant.TABLE_WRITE
_KEY = Grant.SIGNING_KEY_READ
_AUDIT = Grant.AUDIT_QUEUE_SEND

ROUTES: tuple[Route, ...] = (
    Route("GET", "/v1/health", "functions.api.health", None, "platform", "Liveness and version",
          public=True),
    Route("GET", "/v1/openapi.json", "functions.api.openapi", None, "platform",
          "This API's OpenAPI 3.1 document", public=True),
    Route("POST", "/v1/auth/signup", "functions.api.auth.signup", None, "identity",
          "Create a community and its first admin", grants=(_W, _KEY, _AUDIT), status=201, public=True,
          idempotent=True, memory_mb=1024),
    Route("POST", "/v1/auth/login", "functions.api.auth.login", None, "identity",
          "Sign in with community slug, email and password", grants=(_W, _KEY, _AUDIT), public=True,
          memory_mb=1024),
    Route("POST", "/v1/auth/refresh", "functions.api.auth.refresh", None, "identity",
          "Rotate a refresh token for a new token pair", grants=(_W, _KEY, _AUDIT), public=True),
    Route("POST", "/v1/auth/logout", "functions.api.auth.logout", Permission.AUTHENTICATED, "identity",
          "End the caller's session", grants=(_W, _AUDIT), status=204, allow_pending_mfa=True),
    Route("GET", "/v1/auth/sessions", "functions.api.auth.sessions_list", Permission.AUTHENTICATED,
          "identity", "The caller's active sessions", grants=(_R,)),
    Route("DELETE", "/v1/auth/sessions/{id}", "functions.api.auth.sessions_revoke",
          Permission.AUTHENTICATED, "identity", "Revoke one of the caller's sessions",
          grants=(_W, _AUDIT), status=204),
    Route("GET", "/v1/me", "functions.api.me", Permission.AUTHENTICATED, "identity",
          "The signed-in user and their community", grants=(_R,), allow_pending_mfa=True),
    Route("GET", "/v1/community", "functions.api.community.get", Permission.AUTHENTICATED, "identity",
          "The caller's community", grants=(_R,)),
)


def by_handler(module: str) -> Route:
    for route in ROUTES:
        if route.handler == module:
            return route
    raise LookupError(f"no route in the table is served by {module}")
