"""The batch upsert the import pipeline calls: by email, then phone; transactional uniqueness; and
the DynamoDB call budget (at most 0.2 calls per new resident)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.residents import repository, service
from shared.residents.schemas import ResidentFields
from tests.integration.conftest import signup

pytestmark = pytest.mark.integration


@pytest.fixture
def community_id() -> str:
    return str(signup()["community"]["id"])




def row(**values: Any) -> ResidentFields:
    return ResidentFields.model_validate({"first_name": "A", "last_name": "B", "role": "owner"} | values)


def test_new_residents_cost_at_most_a_fifth_of_a_call_each(community_id: str, dynamodb_calls: list[str]) -> None:
    rows = [row(first_name=f"R{i}", email=f"r{i}@example.com", phone=f"+1202555{i:04d}", tags="a;b")
            for i in range(100)]  # moto copies the table per transaction: 100 rows keep this test quick
    results = service.upsert_many(community_id, rows, source="import:test")
    assert all(r.ok and r.created for r in results), [r for r in results if not r.ok][:3]
    # 1 community + 1 custom fields + 2 BatchGetItem (200 addresses) + 5 TransactWriteItems (20 residents x 5 actions)
    assert len(dynamodb_calls) <= 0.2 * len(rows), dynamodb_calls
    assert dynamodb_calls.count("TransactWriteItems") == 5, dynamodb_calls
    assert len({r.resident_id for r in results}) == 100
    stored = list(repository.iter_community(community_id))
    assert len(stored) == 100 and stored[0].tags == ["a", "b"]
    assert repository.by_email(community_id, "r7@example.com").first_name == "R7"  # type: ignore[union-attr]
    assert repository.by_phone(community_id, "+12025550007").first_name == "R7"  # type: ignore[union-attr]
    history = repository.consent_history(community_id, stored[0].id, limit=10, after=None)[0]
    assert sorted((c.channel, c.value, c.source) for c in history) == [
        ("email", True, "import:test"), ("sms", False, "import:test")]


def test_rows_update_by_email_then_phone(community_id: str) -> None:
    first = service.upsert_many(community_id, [
        row(first_name="Ann", email="ann@example.com", phone="+12025550001"),
        row(first_name="Bo", phone="+12025550002"),
    ], source="import:1")
    ann, bo = (r.resident_id for r in first)
    second = service.upsert_many(community_id, [
        row(first_name="Annie", email="ANN@example.com", balance="12.5"),  # by email
        row(first_name="Bob", email="bo@example.com", phone="(202) 555-0002"),  # by phone: gains an email
        row(first_name="Cy", email="cy@example.com"),  # new
        row(first_name="Dup", email="ann@example.com", unit="9"),  # repeats row 0's email: applied after it
        row(first_name="Clash", email="ann@example.com", phone="+12025550002"),  # phone is Bo's
        row(first_name="Bad", phone="123"),
        row(email="nameless@example.com", first_name=None),
    ], source="import:2")
    assert [(r.resident_id, r.created) for r in second[:2]] == [(ann, False), (bo, False)]
    assert second[2].ok and second[2].created
    assert second[3].resident_id == ann and not second[3].created
    assert [e.field for e in second[4].errors] == ["phone"]
    assert [e.field for e in second[5].errors] == ["phone"]
    assert [e.field for e in second[6].errors] == ["first_name"]
    annie = repository.get(community_id, ann)
    assert annie is not None and annie.first_name == "Dup" and annie.unit == "9" and str(annie.balance) == "12.50"
    assert annie.phone == "+12025550001"  # not given, so kept
    bob = repository.get(community_id, bo)
    assert bob is not None and bob.email == "bo@example.com" and bob.first_name == "Bob"
    assert repository.by_email(community_id, "bo@example.com") == bob


def test_batch_writes_never_break_uniqueness(community_id: str) -> None:
    """Two plans claiming one email in one batch: only one is written, the other is reported."""
    from shared.platform import clock, ids
    from shared.residents.models import Resident

    now = clock.iso()

    def plan(name: str) -> repository.Plan:
        return repository.Plan(old=None, new=Resident(id=ids.new_id(), community_id=community_id, first_name=name,
                                                      last_name="X", role="owner", email="same@example.com",
                                                      created_at=now, updated_at=now))

    existing = plan("Held")
    repository.write(existing)
    failures = repository.write_many([plan("A"), plan("B")])
    assert failures == {0: "email", 1: "email"}
    assert [r.first_name for r in repository.iter_community(community_id)] == ["Held"]
    with pytest.raises(repository.Taken):
        repository.write(plan("C"))
