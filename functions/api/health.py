"""GET /v1/health: liveness for monitors and the local runtime's readiness check."""

from shared.identity.schemas import HealthResponse
from shared.platform.http import endpoint
from shared.platform.settings import settings

api = endpoint(__name__)


@api
def health() -> HealthResponse:
    return HealthResponse(status="ok", version=settings().version)


handler = api.handler
