"""The rental demo `make dev` seeds: a community, its owner, properties, units, tenancies and ledgers."""

from __future__ import annotations

from typing import Any

import pytest

from shared.community import repository as communities
from shared.demo import rentals as demo
from shared.identity import repository as identity_repository
from shared.properties import assignments, ledger, repository
from shared.residents import service as residents
from shared.residents.models import ResidentFilter, ResidentStatus

pytestmark = pytest.mark.integration


def test_the_rental_demo_is_complete_and_idempotent(aws_env: dict[str, Any]) -> None:
    seeded = demo.seed()
    community = communities.community_by_slug(seeded.slug)
    assert community is not None and community.timezone == demo.TIMEZONE
    cid = community.id
    property_ids = repository.property_ids(cid)
    assert len(property_ids) == 2
    assert sum(p.unit_count for p in repository.get_properties(cid, property_ids).values()) == 10
    tenancies, _ = repository.tenancies_page(cid, limit=100, after=None)
    assert len(tenancies) == len(demo.TENANTS)
    for tenancy in tenancies:  # every ledger adds up, and has months of rent in it
        entries = list(repository.entries(cid, tenancy.id))
        assert ledger.total(entries) == tenancy.balance == entries[-1].balance_after
        assert sum(1 for e in entries if e.category == "rent") >= demo.MONTHS_OF_HISTORY
    late = residents.audience(cid, ResidentFilter(statuses=[ResidentStatus.DELINQUENT]))
    assert {r.first_name for r in late} == {"Sofia"}
    owner = identity_repository.user_by_email(cid, demo.OWNER_EMAIL)
    assert owner is not None and owner.role == "property_owner"
    assert len(assignments.property_ids_of(cid, owner.id)) == 1
    assert demo.seed() == seeded
    assert len(repository.property_ids(cid)) == 2
