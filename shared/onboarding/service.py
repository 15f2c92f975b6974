"""Onboarding use cases: read the progress, mark or skip a step, and the hooks other domains call.

A step the system can see done turns `done` on the write that completes it (a board member invited,
a resident added, a template or a property created) — one conditional UpdateItem on that write, not
a count of residents or templates on every read. Hooks never fail the write they follow: onboarding
is guidance, so a failed update is logged and the step can still be marked by hand.
"""

from __future__ import annotations

from shared.audit.events import AuditEvent, publish
from shared.onboarding import repository
from shared.onboarding.steps import ORDER, OnboardingOut, Step, StepOut, StepPatch, StepStatus
from shared.platform import clock
from shared.platform.context import Caller, RequestMeta
from shared.platform.observability import logger


def progress(community_id: str) -> OnboardingOut:
    recorded = repository.read(community_id)
    steps = []
    for step in ORDER:
        status, at = recorded.get(step, (StepStatus.TODO, None))
        steps.append(StepOut(key=step, status=status, completed_at=at if status != StepStatus.TODO else None))
    return OnboardingOut.of(steps)


def show(caller: Caller) -> OnboardingOut:
    return progress(caller.community_id)


def mark(caller: Caller, step: Step, request: StepPatch, meta: RequestMeta) -> OnboardingOut:
    """Mark a step done, skip it, or put it back to todo (audited)."""
    repository.set_step(caller.community_id, step, request.status, clock.iso())
    publish(AuditEvent(community_id=caller.community_id, action="onboarding.step_marked", actor_id=caller.user_id,
                       target=f"onboarding:{step}", ip=meta.ip, user_agent=meta.user_agent[:512],
                       detail={"status": str(request.status)}))
    return progress(caller.community_id)


def start(community_id: str) -> None:
    """Signup: the new community's onboarding begins with every step `todo` (never fails the signup)."""
    try:
        repository.start(community_id, clock.iso())
    except Exception:  # noqa: BLE001 - a missing item reads as every step todo, which is the same
        logger.exception("onboarding not started", extra={"community_id": community_id})


def step_done(community_id: str, step: Step) -> None:
    """Turn `step` done unless it already is (a skipped step that then happens is done after all)."""
    try:
        if repository.set_step(community_id, step, StepStatus.DONE, clock.iso(), unless=StepStatus.DONE):
            logger.info("onboarding step done", extra={"community_id": community_id, "step": str(step)})
    except Exception:  # noqa: BLE001 - the write this follows succeeded; guidance must not undo it
        logger.exception("onboarding step not recorded", extra={"community_id": community_id, "step": str(step)})
