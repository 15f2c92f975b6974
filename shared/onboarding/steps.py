"""The onboarding steps in the contract's order, and the shapes of their progress."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Step(StrEnum):
    COMMUNITY_PROFILE = "community_profile"
    BRANDING = "branding"
    SENDER = "sender"
    MFA_POLICY = "mfa_policy"
    INVITE_BOARD = "invite_board"
    RESIDENTS = "residents"
    FIRST_TEMPLATE = "first_template"
    FIRST_PROPERTY = "first_property"


ORDER: tuple[Step, ...] = tuple(Step)


class StepStatus(StrEnum):
    TODO = "todo"
    DONE = "done"
    SKIPPED = "skipped"


class StepOut(BaseModel):
    key: Step
    status: StepStatus
    completed_at: str | None = None  # when it turned done or skipped


class OnboardingOut(BaseModel):
    steps: list[StepOut]
    completed: bool  # every step done or skipped

    @classmethod
    def of(cls, steps: list[StepOut]) -> OnboardingOut:
        return cls(steps=steps, completed=all(s.status != StepStatus.TODO for s in steps))


class StepPatch(BaseModel):
    model_config = {"extra": "forbid"}

    status: StepStatus
