"""Issue 6's import over HTTP against the local runtime, as the SPA does it.

Start an import (POST /v1/residents/imports) → multipart POST of the CSV straight to the embedded
S3 with the presigned form → S3 → EventBridge → SQS → the import worker → poll
GET /v1/residents/imports/{id} until it completes → the residents are there. Importing the same
file again creates nobody.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Api, LocalRuntime, signup_ready

pytestmark = pytest.mark.e2e

HEADER = "first_name,last_name,email,phone,role,unit,balance,has_violation,tags"
CSV = (
    "\ufeff" + HEADER + "\r\n"
    "Ann,Lee,ann@example.com,(202) 555-0101,owner,1A,125.50,no,pool;gym\r\n"  # 1 good
    "Bo,Ng,bo@example.com,,tenant,\"2B, rear\",0,yes,\r\n"  # 2 good (quoted comma)
    "Cy,Ox,cy-at-example.com,,owner,,,,\r\n"  # 3 invalid email
    "Di,Po,,12345,owner,,,,\r\n"  # 4 invalid phone
    "Ed,Qi,ed@example.com,,landlord,,,,\r\n"  # 5 unknown role
    "Flo,Re,flo@example.com,,owner,,=SUM(A1:A9),,\r\n"  # 6 formula balance
    "\"=cmd|' /C calc'!A0\",\"Two\r\nLines\",gus@example.com,,board,,,,\r\n"  # 7 good: formula kept as text
    "Annie,Lee,ANN@EXAMPLE.COM,,owner,1A,80.00,,\r\n"  # 8 repeats row 1: the later row wins (an update)
)


def _start(api: Api, token: str) -> dict[str, Any]:
    answer = api.post("/v1/residents/imports", token=token, json={"filename": "Residents.csv"})
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _post(upload: dict[str, Any], data: bytes) -> requests.Response:
    """What a browser's form does: the fields as given, then the file, as multipart/form-data."""
    return requests.post(upload["url"], data=upload["fields"], files={"file": ("Residents.csv", data)}, timeout=30)


def _finished(api: Api, token: str, import_id: str, timeout_s: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = api.get(f"/v1/residents/imports/{import_id}", token=token).json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.25)
    raise AssertionError(f"import {import_id} is still {body.get('status')}")


def _import(api: Api, token: str, data: bytes) -> dict[str, Any]:
    started = _start(api, token)
    posted = _post(started["upload"], data)
    assert posted.status_code == 204, posted.text
    return _finished(api, token, started["import_id"])


def _residents(api: Api, token: str) -> list[dict[str, Any]]:
    answer = api.get("/v1/residents", token=token, params={"limit": 200})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def test_import_counts_errors_and_a_second_import_creates_nobody(api: Api, local_runtime: LocalRuntime) -> None:
    admin = signup_ready(api, f"Import {uuid.uuid4().hex[:6]}")
    token = admin["access_token"]
    started = _start(api, token)
    assert started["upload"]["url"].startswith(local_runtime.aws_url)
    assert started["upload"]["fields"]["key"].startswith(f"communities/{admin['community']['id']}/imports/")
    assert _post(started["upload"], CSV.encode()).status_code == 204
    body = _finished(api, token, started["import_id"])
    assert body["status"] == "completed", body
    assert (body["total"], body["created"], body["updated"], body["failed"]) == (8, 3, 1, 4)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (3, "email"), (4, "phone"), (5, "role"), (6, "balance")]
    assert all(e["message"] for e in body["errors"])
    people = {r["email"]: r for r in _residents(api, token)}
    assert set(people) == {"ann@example.com", "bo@example.com", "gus@example.com"}
    assert people["ann@example.com"]["first_name"] == "Annie" and people["ann@example.com"]["balance"] == "80.00"
    assert people["ann@example.com"]["phone"] == "+12025550101" and people["ann@example.com"]["tags"] == [
        "pool", "gym"]
    assert people["gus@example.com"]["first_name"] == "=cmd|' /C calc'!A0"  # stored as text, never evaluated
    assert people["bo@example.com"]["unit"] == "2B, rear" and people["bo@example.com"]["has_violation"] is True

    again = _import(api, token, CSV.encode())
    assert (again["status"], again["total"], again["created"], again["updated"], again["failed"]) == (
        "completed", 8, 0, 4, 4)
    assert len(_residents(api, token)) == 3


def test_a_file_that_is_not_csv_fails_with_a_reason_and_others_cannot_see_it(api: Api,
                                                                              local_runtime: LocalRuntime) -> None:
    token = signup_ready(api, f"Import {uuid.uuid4().hex[:6]}")["access_token"]
    body = _import(api, token, b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
    assert body["status"] == "failed" and body["reason"], body
    other = signup_ready(api, f"Other {uuid.uuid4().hex[:6]}")["access_token"]
    answer = api.get(f"/v1/residents/imports/{body['id']}", token=other)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "NOT_FOUND"
