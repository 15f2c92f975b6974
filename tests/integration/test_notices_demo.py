"""`make dev`'s notices: a served N4 with pending reminders and a draft N1 in the rental demo; idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from shared.community import repository as communities
from shared.demo import rentals as demo
from shared.notices.models import NoticeType
from shared.notices_service import demo as notices_demo
from shared.notices_service import repository
from shared.notices_service.models import NoticeStatus, ReminderStatus

pytestmark = pytest.mark.integration


def test_the_notices_demo(aws_env: dict[str, Any]) -> None:
    community = communities.community_by_slug(demo.seed().slug)
    assert community is not None
    ids = notices_demo.seed(community.id, in_arrears="Sofia", increase_for="Priya")
    notices = {n.type: n for n in (repository.get(community.id, i) for i in ids) if n is not None}
    n4, n1 = notices[NoticeType.N4], notices[NoticeType.N1]
    assert n4.status == NoticeStatus.SERVED and all(c.ok for c in n4.checks)
    assert n4.details["total"] != "0.00" and n4.details["periods"]
    assert {r.status for r in repository.reminders_of(community.id, n4.id)} == {ReminderStatus.PENDING}
    assert n1.status == NoticeStatus.DRAFT and n1.details["increase_pct"] == "2.00"
    assert {r.kind for r in repository.reminders_of(community.id, n1.id)} >= {"increase_date"}
    assert notices_demo.seed(community.id, in_arrears="Sofia", increase_for="Priya") == []
