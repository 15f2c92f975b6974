"""GET /v1/onboarding: the wizard's steps in order, each todo, done or skipped, and whether all are."""

from shared.onboarding import service
from shared.onboarding.steps import OnboardingOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_onboarding() -> OnboardingOut:
    return service.show(current_caller())


handler = api.handler
