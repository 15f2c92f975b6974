"""PATCH /v1/onboarding/steps/{key}: mark a step done, skip it, or put it back to todo."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.onboarding import service
from shared.onboarding.steps import OnboardingOut, Step, StepPatch
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def update_onboarding_step(key: Annotated[Step, Path()], body: StepPatch) -> OnboardingOut:
    return service.mark(current_caller(), key, body, api.meta())


handler = api.handler
