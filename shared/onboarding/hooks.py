"""What other domains call when they complete an onboarding step (after their own write succeeded).

Each is one conditional UpdateItem; none raises. The properties domain calls `property_created`
from its property creation.
"""

from __future__ import annotations

from shared.onboarding.service import step_done
from shared.onboarding.steps import Step


def board_member_invited(community_id: str) -> None:
    step_done(community_id, Step.INVITE_BOARD)


def resident_created(community_id: str) -> None:
    step_done(community_id, Step.RESIDENTS)


def template_created(community_id: str) -> None:
    step_done(community_id, Step.FIRST_TEMPLATE)


def property_created(community_id: str) -> None:
    step_done(community_id, Step.FIRST_PROPERTY)
