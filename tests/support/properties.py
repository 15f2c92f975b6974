"""Rental fixtures over the API: a property with units, residents and tenancies (tests only)."""

from __future__ import annotations

from typing import Any

from tests.support.api import call

ADDRESS = {"line1": "12 River St", "city": "Toronto", "province": "ON", "postal_code": "M5V 2T6", "country": "CA"}


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status == status, (answer.status, answer.body)
    return answer.body


def new_property(token: str, name: str = "Riverside") -> dict[str, Any]:
    return ok(call("POST", "/v1/properties", token=token, json_body={"name": name, "kind": "rental",
                                                                      "address": ADDRESS}), 201)


def new_unit(token: str, property_id: str, label: str) -> dict[str, Any]:
    return ok(call("POST", f"/v1/properties/{property_id}/units", token=token,
                   json_body={"label": label, "bedrooms": 2}), 201)


def new_resident(token: str, first: str, email: str | None = None) -> dict[str, Any]:
    body = {"first_name": first, "last_name": "Tenant", "role": "tenant",
            "email": email or f"{first.lower()}@example.com"}
    return ok(call("POST", "/v1/residents", token=token, json_body=body), 201)


def tenancy_body(unit_id: str, resident_ids: list[str], start_on: str, end_on: str | None = None,
                 rent: str = "1500.00", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"unit_id": unit_id, "start_on": start_on, "rent": rent, "rent_period": "monthly",
                            "rent_due_day": 1,
                            "parties": [{"resident_id": rid, "lead": i == 0} for i, rid in enumerate(resident_ids)]}
    if end_on:
        body["end_on"] = end_on
    return body | extra


def new_tenancy(token: str, unit_id: str, resident_ids: list[str], start_on: str, end_on: str | None = None,
                **extra: Any) -> dict[str, Any]:
    return ok(call("POST", "/v1/tenancies", token=token,
                   json_body=tenancy_body(unit_id, resident_ids, start_on, end_on, **extra)), 201)
