"""POST /v1/work-orders/triage on moto: who may call it, the community's calendar, validation, nothing saved."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from functions.api.work_orders import triage
from shared.platform import clock
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_assets_api import token_for
from tests.integration.test_residents_sample_events import _as_caller
from tests.integration.test_sample_events import load
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration

PATH = "/v1/work-orders/triage"


@pytest.fixture
def admin() -> dict[str, Any]:
    body = signup()
    answer = call("PATCH", "/v1/community", token=body["access_token"], json_body={"timezone": "America/Toronto"})
    assert answer.status == 200, answer.body
    return body


def _items(aws_env: dict[str, Any]) -> list[dict[str, Any]]:
    return list(boto3.client("dynamodb").scan(TableName=aws_env["table"])["Items"])


def test_a_tenant_triages_a_gas_smell_as_an_emergency_and_nothing_is_saved(admin: dict[str, Any],
                                                                            aws_env: dict[str, Any]) -> None:
    token = token_for(admin, Role.TENANT)
    before = _items(aws_env)
    answer = call("POST", PATH, token=token, json_body={"category": "heating", "answers": {"gas_smell": True}})
    assert answer.status == 200, answer.body
    assert answer.body["severity"] == "emergency"
    assert answer.body["reasons"] and answer.body["rules"][0]["rule"] == "gas_smell"
    assert answer.body["self_help"][0].startswith("Leave the unit now")
    assert any("gas utility" in step for step in answer.body["self_help"])
    assert _items(aws_env) == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.OWNER, Role.TENANT])
def test_everyone_who_may_create_orders_may_triage(admin: dict[str, Any], role: Role) -> None:
    token = admin["access_token"] if role is Role.ADMIN else token_for(admin, role)
    answer = call("POST", PATH, token=token, json_body={"category": "plumbing", "answers": {"active_leak": True}})
    assert answer.status == 200 and answer.body["severity"] == "high", answer.body


def test_the_board_may_not(admin: dict[str, Any]) -> None:
    answer = call("POST", PATH, token=token_for(admin, Role.BOARD), json_body={"category": "other", "answers": {}})
    assert answer.status == 403 and answer.body["error"]["code"] == "FORBIDDEN"


def _travel_to(moment: datetime) -> None:
    clock.travel(0)
    clock.travel((moment - clock.now()).total_seconds())


def test_no_heat_follows_the_heating_season_on_the_communitys_calendar(admin: dict[str, Any]) -> None:
    body = {"category": "heating", "answers": {"no_heat": True}}
    # 02:00 UTC on 15 September is still 14 September, 22:00, in Toronto: outside the season.
    _travel_to(datetime(2027, 9, 15, 2, 0, tzinfo=UTC))
    token = token_for(admin, Role.TENANT)
    admin_token = token_for(admin, Role.ADMIN)
    toronto = call("POST", PATH, token=token, json_body=body).body
    assert (toronto["severity"], toronto["in_heating_season"]) == ("high", False)
    assert call("PATCH", "/v1/community", token=admin_token, json_body={"timezone": "UTC"}).status == 200
    utc = call("POST", PATH, token=token, json_body=body).body
    assert (utc["severity"], utc["in_heating_season"]) == ("emergency", True)
    assert any("ch. 497" in ref for ref in utc["rules"][0]["citations"])
    assert "15 September to 1 June" in utc["reasons"][0]


@pytest.mark.parametrize(("body", "field"), [
    ({"category": "roof", "answers": {}}, "category"),
    ({"category": "plumbing", "answers": {"gas_smell": "yes"}}, "answers.gas_smell"),
    ({"category": "plumbing", "answers": {"gas_smell": 1}}, "answers.gas_smell"),
    ({"category": "plumbing", "answers": {"smoke": True}}, "answers.smoke"),
    ({"category": "plumbing"}, "answers"),
    ({"answers": {}}, "category"),
    ({"category": "plumbing", "answers": {}, "priority": "low"}, "priority"),
], ids=["unknown-category", "string-answer", "number-answer", "unknown-answer", "no-answers", "no-category",
        "extra-field"])
def test_bad_bodies_are_422_naming_the_field(admin: dict[str, Any], body: dict[str, Any], field: str) -> None:
    answer = call("POST", PATH, token=admin["access_token"], json_body=body)
    assert answer.status == 422, answer.body
    assert answer.body["error"]["code"] == "VALIDATION_FAILED"
    assert field in [d["field"] for d in answer.body["error"]["details"]], answer.body


def test_the_sample_event(admin: dict[str, Any]) -> None:
    """events/api-work-orders-triage.json through its handler, as a tenant of a real community."""
    event = _as_caller(load("api-work-orders-triage.json"), token_for(admin, Role.TENANT))
    answer = triage.handler(event, FakeContext())
    assert answer["statusCode"] == 200, answer
    body = json.loads(answer["body"])
    assert body["severity"] == "emergency" and [r["rule"] for r in body["rules"]][:1] == ["gas_smell"]
    # The sample's placeholder identity names nobody: 401, never a 500.
    assert triage.handler(load("api-work-orders-triage.json"), FakeContext())["statusCode"] == 401


def test_work_order_settings_default_to_the_contract_and_can_be_changed(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    community = call("GET", "/v1/community", token=token).body
    assert community["work_order_sla_hours"] == {"emergency": 4, "high": 24, "medium": 72, "low": 192}
    assert community["heating_season"] == {"starts": "09-15", "ends": "06-01"}
    patched = call("PATCH", "/v1/community", token=token, json_body={
        "work_order_sla_hours": {"emergency": 2, "high": 12, "medium": 48, "low": 120},
        "heating_season": {"starts": "09-15", "ends": "06-15"}})
    assert patched.status == 200, patched.body
    again = call("GET", "/v1/community", token=token).body
    assert again["work_order_sla_hours"] == {"emergency": 2, "high": 12, "medium": 48, "low": 120}
    assert again["heating_season"] == {"starts": "09-15", "ends": "06-15"}


@pytest.mark.parametrize(("body", "field"), [
    ({"work_order_sla_hours": {"emergency": 48, "high": 24, "medium": 72, "low": 192}}, "work_order_sla_hours"),
    ({"work_order_sla_hours": {"emergency": 0}}, "work_order_sla_hours.emergency"),
    ({"work_order_sla_hours": {"urgent": 1}}, "work_order_sla_hours.urgent"),
    ({"heating_season": {"starts": "13-01"}}, "heating_season.starts"),
    ({"heating_season": {"ends": "02-30"}}, "heating_season.ends"),
], ids=["shrinking", "zero", "unknown-priority", "bad-month", "bad-day"])
def test_bad_work_order_settings_are_422(admin: dict[str, Any], body: dict[str, Any], field: str) -> None:
    answer = call("PATCH", "/v1/community", token=admin["access_token"], json_body=body)
    assert answer.status == 422, answer.body
    assert field in [d["field"] for d in answer.body["error"]["details"]], answer.body


def test_triage_uses_the_communitys_heating_season(admin: dict[str, Any]) -> None:
    _travel_to(datetime(2027, 6, 10, 16, 0, tzinfo=UTC))  # noon in Toronto, after Toronto's 1 June
    token = token_for(admin, Role.TENANT)
    body = {"category": "heating", "answers": {"no_heat": True}}
    assert call("POST", PATH, token=token, json_body=body).body["severity"] == "high"
    admin_token = token_for(admin, Role.ADMIN)
    london = {"heating_season": {"starts": "09-15", "ends": "06-15"}}  # e.g. London, Ontario
    assert call("PATCH", "/v1/community", token=admin_token, json_body=london).status == 200
    answer = call("POST", PATH, token=token, json_body=body).body
    assert answer["severity"] == "emergency" and "15 September to 15 June" in answer["reasons"][0]
