"""Issue 15 on moto: the onboarding wizard's progress, started by signup, completed by real writes."""

from __future__ import annotations

from typing import Any

import pytest

from shared.onboarding import hooks, repository
from shared.onboarding.steps import ORDER, Step
from shared.residents import service as residents
from shared.residents.schemas import ResidentFields
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.properties import new_property

pytestmark = pytest.mark.integration


def statuses(token: str) -> dict[str, str]:
    answer = call("GET", "/v1/onboarding", token=token)
    assert answer.status == 200, answer.body
    return {s["key"]: s["status"] for s in answer.body["steps"]}


def test_signup_starts_every_step_todo_in_the_contract_s_order() -> None:
    admin = signup("Birch Court", "ann@example.com")
    answer = call("GET", "/v1/onboarding", token=admin["access_token"])
    assert answer.status == 200
    assert [s["key"] for s in answer.body["steps"]] == [
        "community_profile", "branding", "sender", "mfa_policy", "invite_board", "residents", "first_template",
        "first_property"]
    assert all(s["status"] == "todo" and s.get("completed_at") is None for s in answer.body["steps"])
    assert answer.body["completed"] is False


def test_real_writes_complete_their_steps_and_skipping_the_rest_completes_onboarding() -> None:
    admin = signup("Birch Court", "ann@example.com")
    token = admin["access_token"]
    manager = call("POST", "/v1/users/invitations", token=token, json_body={"email": "m@example.com",
                                                                           "role": "manager"})
    assert manager.status == 201 and statuses(token)["invite_board"] == "todo"  # not a board member
    board = call("POST", "/v1/users/invitations", token=token, json_body={"email": "b@example.com", "role": "board"})
    assert board.status == 201 and statuses(token)["invite_board"] == "done"
    resident = call("POST", "/v1/residents", token=token, json_body={"first_name": "Al", "last_name": "Li",
                                                                      "role": "owner"})
    assert resident.status == 201 and statuses(token)["residents"] == "done"
    template = call("POST", "/v1/templates", token=token, json_body={
        "name": "Welcome", "channel": "email", "category": "transactional", "subject": "Hi", "text": "Hello"})
    assert template.status == 201, template.body
    assert statuses(token)["first_property"] == "todo"
    new_property(token)
    done = statuses(token)
    assert [k for k, v in done.items() if v == "done"] == ["invite_board", "residents", "first_template",
                                                            "first_property"]
    for key in ("community_profile", "branding", "sender"):
        assert call("PATCH", f"/v1/onboarding/steps/{key}", token=token, json_body={"status": "skipped"}).status == 200
    last = call("PATCH", "/v1/onboarding/steps/mfa_policy", token=token, json_body={"status": "done"})
    assert last.status == 200 and last.body["completed"] is True
    assert all(s["completed_at"] for s in last.body["steps"])
    reopened = call("PATCH", "/v1/onboarding/steps/branding", token=token, json_body={"status": "todo"})
    assert reopened.body["completed"] is False
    assert next(s for s in reopened.body["steps"] if s["key"] == "branding").get("completed_at") is None


def test_a_skipped_step_that_then_happens_is_done_and_done_stays_done() -> None:
    admin = signup("Birch Court", "ann@example.com")
    token, cid = admin["access_token"], admin["community"]["id"]
    call("PATCH", "/v1/onboarding/steps/residents", token=token, json_body={"status": "skipped"})
    results = residents.upsert_many(cid, [ResidentFields(first_name="A", last_name="B", role="tenant",
                                                         email="a@example.com")], source="test")
    assert results[0].created and statuses(token)["residents"] == "done"
    first_at = repository.read(cid)[Step.RESIDENTS][1]
    hooks.resident_created(cid)
    assert repository.read(cid)[Step.RESIDENTS][1] == first_at  # not rewritten


def test_progress_is_per_community_and_bad_input_is_422() -> None:
    one = signup("Birch Court", "ann@example.com")
    two = signup("Cedar Court", "bo@example.com")
    call("PATCH", "/v1/onboarding/steps/branding", token=one["access_token"], json_body={"status": "done"})
    assert statuses(two["access_token"])["branding"] == "todo"
    assert call("PATCH", "/v1/onboarding/steps/nope", token=one["access_token"],
                json_body={"status": "done"}).status == 422
    assert call("PATCH", "/v1/onboarding/steps/branding", token=one["access_token"],
                json_body={"status": "finished"}).status == 422


def test_a_community_from_before_onboarding_reads_all_todo(aws_env: dict[str, Any]) -> None:
    """No item at all (a community created before this feature) is the same as a fresh start."""
    from shared.onboarding import service

    progress = service.progress("01J0000000000000000000OLD0")
    assert [s.key for s in progress.steps] == list(ORDER) and not progress.completed


def test_a_failing_progress_update_never_fails_the_write_it_follows(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = signup("Birch Court", "ann@example.com")

    def broken(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("throttled")

    monkeypatch.setattr(repository, "set_step", broken)
    created = call("POST", "/v1/residents", token=admin["access_token"],
                   json_body={"first_name": "Al", "last_name": "Li", "role": "owner"})
    assert created.status == 201, created.body
    monkeypatch.undo()
    assert statuses(admin["access_token"])["residents"] == "todo"  # can still be marked by hand


def test_creating_a_property_completes_first_property_and_never_fails_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = signup("Birch Court", "ann@example.com")
    token = admin["access_token"]

    def broken(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("throttled")

    monkeypatch.setattr(repository, "set_step", broken)
    new_property(token, "First")  # 201 although onboarding could not be updated
    monkeypatch.undo()
    assert statuses(token)["first_property"] == "todo"
    new_property(token, "Second")
    assert statuses(token)["first_property"] == "done"
    first_at = repository.read(admin["community"]["id"])[Step.FIRST_PROPERTY][1]
    new_property(token, "Third")
    assert repository.read(admin["community"]["id"])[Step.FIRST_PROPERTY][1] == first_at  # done stays as it was
