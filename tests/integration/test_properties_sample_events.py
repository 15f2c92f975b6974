"""The property-operations sample events in events/ drive their handlers: a tenancy, a payment on it,
the scheduled rent job, and a rent queue record for the tenancy's property."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.api.tenancies import create, payments
from functions.jobs import charge_rent as job
from functions.workers import charge_rent as worker
from tests.integration.conftest import signup
from tests.integration.test_residents_sample_events import _as_caller
from tests.integration.test_sample_events import load
from tests.support.api import FakeContext, call
from tests.support.properties import new_property, new_resident, new_unit

pytestmark = pytest.mark.integration


def test_property_sample_events(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token = admin["access_token"]
    prop = new_property(token)
    unit = new_unit(token, prop["id"], "101")
    resident = new_resident(token, "Wendy")
    event = _as_caller(load("api-tenancy-create.json"), token)
    body = json.loads(event["body"])
    body["unit_id"], body["parties"][0]["resident_id"] = unit["id"], resident["id"]
    event["body"] = json.dumps(body)
    answer = create.handler(event, FakeContext())
    assert answer["statusCode"] == 201, answer
    tenancy = json.loads(answer["body"])
    event = _as_caller(load("api-tenancy-payment.json"), token)
    path = f"/v1/tenancies/{tenancy['id']}/payments"
    event["pathParameters"]["id"], event["rawPath"], event["requestContext"]["http"]["path"] = (
        tenancy["id"], path, path)
    answer = payments.handler(event, FakeContext())
    assert answer["statusCode"] == 201 and json.loads(answer["body"])["tenancy_balance"] == "-1850.00"
    assert job.handler(load("scheduled-charge-rent.json"), FakeContext()) == {"communities": 1}  # type: ignore[arg-type]
    record = load("sqs-rent-property.json")
    record["Records"][0]["body"] = json.dumps({"kind": "property", "community_id": admin["community"]["id"],
                                               "property_id": prop["id"], "day": "2027-01-01"})  # next due date
    assert worker.handler(record, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    ledger = call("GET", f"/v1/tenancies/{tenancy['id']}/ledger", token=token).body
    assert [e["kind"] for e in ledger["items"]] == ["payment", "charge"] and ledger["balance"] == "0.00"
    # The samples' placeholder identity names nobody: 401, never a 500; a malformed record is dropped.
    assert create.handler(load("api-tenancy-create.json"), FakeContext())["statusCode"] == 401
    bad = load("sqs-rent-property.json")
    bad["Records"][0]["body"] = "{\"kind\": \"nonsense\"}"
    assert worker.handler(bad, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
