"""Resident CSV imports on moto: announce → put the object → S3 → EventBridge → SQS → the worker → counts.

Objects are put with boto3 (the presigned POST itself is exercised over HTTP in
tests/e2e/test_residents_imports_http.py); moto turns each put into the event the stack's rule
delivers, and the test hands that queue's messages to the worker as Lambda would.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from functions.workers import import_residents
from infra.local.sqs_poller import sqs_record
from shared.imports import repository, run
from shared.imports.models import FIELDS, MAX_BYTES, Status
from shared.platform import clock
from shared.residents import repository as residents_repository
from shared.residents import service as residents_service
from shared.residents.schemas import ResidentFields
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_assets_api import bucket, login, put
from tests.support import users
from tests.support.api import Answer, FakeContext, call
from tests.support.files import PNG
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration
QUEUE = "ResidentImports"
EVENTS = Path(__file__).parents[2] / "events"

GOOD_FILE = (
    "\ufeff" + ",".join(FIELDS) + "\r\n"
    "Ann,Lee,ann@example.com,(416) 555-0123,owner,1A,120.50,no,pool;dogs\r\n"
    "Bob,Roe,bob@example.com,,tenant,\"2B, rear\",0,yes,\r\n"
    "Cat,Poe,not-an-email,,owner,,,,\r\n"
    ",,,,,,,,\r\n"
    "Dan,Orr,,555-01,board,,,,\r\n"
    "Eve,Fox,eve@example.com,,landlord,,,,\r\n"
    "Fay,Gee,fay@example.com,,owner,,=1+1,,\r\n"
    "\"=HYPERLINK(\"\"http://evil\"\")\",\"Multi\r\nLine\",gil@example.com,,owner,,-5.00,,\r\n"
    "Annie,Lee,ANN@example.com,,owner,1A,99.00,,\r\n"
).encode()
# 9 data rows after the header, one of them blank: 8 counted. Ann, Bob, Gil created; Annie repeats Ann (update);
# Cat (email), Dan (phone), Eve (role), Fay (balance) fail.


@pytest.fixture
def admin() -> dict[str, Any]:
    return signup()


def start(token: str, filename: str = "residents.csv", **extra: Any) -> Answer:
    return call("POST", "/v1/residents/imports", token=token, json_body={"filename": filename, **extra})


def started(token: str, **extra: Any) -> dict[str, Any]:
    answer = start(token, **extra)
    assert answer.status == 201, answer.body
    return answer.body  # type: ignore[no-any-return]


def queued(aws_env: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    sqs, url = boto3.client("sqs"), aws_env["queues"][QUEUE]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert messages, "no S3 event reached the imports queue"
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [sqs_record(m, arn) for m in messages], arn


def deliver(aws_env: dict[str, Any], times: int = 1) -> dict[str, Any]:
    """Hand the imports queue's messages to the worker (`times` times: a redelivery)."""
    records, _ = queued(aws_env)
    result: dict[str, Any] = {}
    for _ in range(times):
        result = import_residents.handler({"Records": records}, FakeContext())
    return result


def imported(aws_env: dict[str, Any], token: str, data: bytes, **extra: Any) -> dict[str, Any]:
    created = started(token, **extra)
    put(aws_env, created, data)
    assert deliver(aws_env) == {"batchItemFailures": []}
    return status(token, created["import_id"])


def status(token: str, import_id: str) -> dict[str, Any]:
    answer = call("GET", f"/v1/residents/imports/{import_id}", token=token)
    assert answer.status == 200, answer.body
    return answer.body  # type: ignore[no-any-return]


def residents_of(admin: dict[str, Any]) -> list[Any]:
    return list(residents_repository.iter_community(admin["community"]["id"]))


def test_start_answers_a_post_bound_to_the_imports_key_csv_and_10_mb(admin: dict[str, Any],
                                                                    aws_env: dict[str, Any]) -> None:
    token = admin["access_token"]
    created = started(token, filename="Résidents 2026.csv")
    import_id, fields = created["import_id"], created["upload"]["fields"]
    assert fields["key"] == f"communities/{admin['community']['id']}/imports/{import_id}/Residents_2026.csv"
    assert fields["Content-Type"] == "text/csv"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, MAX_BYTES] in policy["conditions"]
    assert MAX_BYTES == 10 * 1024 * 1024
    body = status(token, import_id)
    assert (body["id"], body["import_id"], body["status"]) == (import_id, import_id, "pending")
    assert (body["total"], body["created"], body["updated"], body["failed"], body["errors"]) == (0, 0, 0, 0, [])
    assert [e.action for e in audit_events(aws_env)][-1] == "residents.import.created"


def test_a_file_is_imported_with_exact_counts_and_errors_naming_row_and_field(
        admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = admin["access_token"]
    body = imported(aws_env, token, GOOD_FILE)
    assert body["status"] == "completed", body
    assert (body["total"], body["created"], body["updated"], body["failed"]) == (8, 3, 1, 4)
    assert body["created"] + body["updated"] + body["failed"] == body["total"]
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "email"), (5, "phone"), (6, "role"),
                                                                 (7, "balance")]
    by_email = {r.email: r for r in residents_of(admin)}
    assert set(by_email) == {"ann@example.com", "bob@example.com", "gil@example.com"}
    ann = by_email["ann@example.com"]
    assert (ann.first_name, str(ann.balance), ann.phone, ann.tags) == ("Annie", "99.00", "+14165550123",
                                                                       ["pool", "dogs"])  # the later row won
    gil = by_email["gil@example.com"]
    assert gil.first_name == '=HYPERLINK("http://evil")' and gil.last_name == "Multi\r\nLine"  # text, as given
    assert by_email["bob@example.com"].unit == "2B, rear" and by_email["bob@example.com"].has_violation


def test_the_same_event_twice_imports_once(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = admin["access_token"]
    created = started(token)
    put(aws_env, created, GOOD_FILE)
    assert deliver(aws_env, times=2) == {"batchItemFailures": []}
    body = status(token, created["import_id"])
    assert (body["created"], body["updated"], body["failed"]) == (3, 1, 4)
    assert len(residents_of(admin)) == 3
    stored = repository.get(admin["community"]["id"], created["import_id"])
    assert stored is not None and stored.attempts == 1 and stored.claim is None


def test_importing_the_same_file_again_creates_nothing(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = admin["access_token"]
    imported(aws_env, token, GOOD_FILE)
    again = imported(aws_env, token, GOOD_FILE)
    assert (again["status"], again["total"], again["created"], again["updated"], again["failed"]) == (
        "completed", 8, 0, 4, 4)
    assert len(residents_of(admin)) == 3


def test_another_communitys_import_is_not_found(admin: dict[str, Any]) -> None:
    created = started(admin["access_token"])
    other = signup("Elm Court", "eve@example.com")
    answer = call("GET", f"/v1/residents/imports/{created['import_id']}", token=other["access_token"])
    assert answer.status == 404 and answer.body["error"]["code"] == "NOT_FOUND"
    assert call("GET", "/v1/residents/imports/01NOSUCHIMPORT", token=admin["access_token"]).status == 404


def test_an_abandoned_import_disappears_after_a_day(admin: dict[str, Any]) -> None:
    created = started(admin["access_token"])
    clock.travel(24 * 3600 + 1)
    try:
        token = login(admin["community"]["slug"], users.add_member(admin["community"]["id"], Role.MANAGER))
        assert call("GET", f"/v1/residents/imports/{created['import_id']}", token=token).status == 404
    finally:
        clock.travel(0)


@pytest.mark.parametrize(("data", "reason"), [
    (PNG, "not UTF-8 text"),
    (b"name,address\r\nAnn,Main St\r\n", "header naming"),
    (b"first_name,last_name,role\r\nAnn,Lee,owner\r\n", "no email or phone"),
    (b"email,email\r\na@example.com,b@example.com\r\n", "both email"),
    ("email,first_name\r\na@example.com,Ren\xe9\r\n".encode("latin-1"), "not UTF-8 text"),
    (b"", "empty"),
])
def test_unreadable_files_fail_with_a_reason(admin: dict[str, Any], aws_env: dict[str, Any], data: bytes,
                                             reason: str) -> None:
    body = imported(aws_env, admin["access_token"], data)
    assert body["status"] == "failed" and reason in body["reason"], body
    assert residents_of(admin) == []


def test_too_many_rows_fail_before_anything_is_written(admin: dict[str, Any], aws_env: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "MAX_ROWS", 3)
    data = "email\n" + "".join(f"r{i}@example.com\n" for i in range(4))
    body = imported(aws_env, admin["access_token"], data.encode())
    assert body["status"] == "failed" and "at most 3" in body["reason"] and body["total"] == 0
    assert residents_of(admin) == []


def test_column_mapping_and_ignored_columns(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    data = b"Given,Surname,Mail,Type,Notes\r\nAnn,Lee,ann@example.com,owner,likes the pool\r\n"
    body = imported(aws_env, admin["access_token"], data, column_mapping={
        "Given": "first_name", "Surname": "last_name", "Mail": "email", "Type": "role"})
    assert (body["status"], body["created"], body["ignored_columns"]) == ("completed", 1, ["Notes"])
    bad = start(admin["access_token"], column_mapping={"Mail": "mailbox"})
    assert bad.status == 422 and bad.body["error"]["details"][0]["field"].startswith("column_mapping")


def test_many_batches_errors_bounded_and_counts_exact(admin: dict[str, Any], aws_env: dict[str, Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "BATCH_ROWS", 4)
    monkeypatch.setattr(run, "CHECKPOINT_S", 0.0)
    monkeypatch.setattr("shared.imports.run.MAX_ERRORS", 5)
    lines = ["email,first_name,last_name,role"]
    for i in range(20):
        lines.append(f"p{i % 7}@example.com,P{i},Person,owner")  # 7 people, each repeated
        lines.append(f"bad{i},X,Y,owner")  # 20 invalid rows
    body = imported(aws_env, admin["access_token"], "\n".join(lines).encode())
    assert (body["total"], body["created"], body["updated"], body["failed"]) == (40, 7, 13, 20)
    assert len(body["errors"]) == 5 and body["errors_truncated"] and body["errors"][0]["row"] == 2
    people = {r.email: r.first_name for r in residents_of(admin)}
    assert people["p0@example.com"] == "P14"  # the last of p0's rows (rows 0, 7, 14) won


def test_a_worker_that_died_resumes_from_its_checkpoint(admin: dict[str, Any], aws_env: dict[str, Any],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    token, community_id = admin["access_token"], admin["community"]["id"]
    created = started(token)
    put(aws_env, created, GOOD_FILE)
    records, _ = queued(aws_env)
    job = repository.get(community_id, created["import_id"])
    assert job is not None
    assert repository.claim(job, token="dead", lease_until=clock.epoch() + 60, now_epoch=clock.epoch(),
                            now_iso=clock.iso())
    # The dead worker had written rows 1-3 (Ann, Bob created; Cat failed) and stored its checkpoint.
    first_rows = [ResidentFields(first_name=n, last_name="X", role="owner", email=f"{n.lower()}@example.com")
                  for n in ("Ann", "Bob")]
    assert all(r.created for r in residents_service.upsert_many(community_id, first_rows, source="import:dead"))
    checkpoint = job.model_copy(update={"status": Status.PROCESSING, "total": 8, "created": 2, "failed": 1,
                                        "rows_done": 3, "updated_at": clock.iso()})
    assert repository.record(checkpoint, token="dead")
    busy = import_residents.handler({"Records": records}, FakeContext())
    assert busy == {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]}  # its lease still runs
    clock.travel(120)
    try:
        assert import_residents.handler({"Records": records}, FakeContext()) == {"batchItemFailures": []}
    finally:
        clock.travel(0)
    body = status(token, created["import_id"])
    assert (body["status"], body["total"], body["created"], body["updated"], body["failed"]) == (
        "completed", 8, 3, 1, 4)
    assert not repository.record(checkpoint, token="dead")  # the dead worker can no longer write


def test_partial_batch_failure_reports_only_the_failed_record(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, community_id = admin["access_token"], admin["community"]["id"]
    first, second = started(token), started(token)
    put(aws_env, first, GOOD_FILE)
    put(aws_env, second, GOOD_FILE)
    records, _ = queued(aws_env)
    assert len(records) == 2
    busy = repository.get(community_id, second["import_id"])
    assert busy is not None
    assert repository.claim(busy, token="other", lease_until=clock.epoch() + 600, now_epoch=clock.epoch(),
                            now_iso=clock.iso())
    busy_record = next(r for r in records if second["import_id"] in r["body"])
    result = import_residents.handler({"Records": records}, FakeContext())
    assert result == {"batchItemFailures": [{"itemIdentifier": busy_record["messageId"]}]}
    assert status(token, first["import_id"])["status"] == "completed"
    assert status(token, second["import_id"])["status"] == "processing"


def test_objects_of_other_segments_or_without_an_import_are_ignored(admin: dict[str, Any],
                                                                     aws_env: dict[str, Any]) -> None:
    key = f"communities/{admin['community']['id']}/imports/01NOSUCHIMPORT/x.csv"
    boto3.client("s3").put_object(Bucket=bucket(aws_env), Key=key, Body=GOOD_FILE)
    assert deliver(aws_env) == {"batchItemFailures": []}
    assert residents_of(admin) == []


def test_idempotency_key_replays_the_same_import(admin: dict[str, Any]) -> None:
    headers = {"Idempotency-Key": "import-once"}
    body = {"filename": "residents.csv"}
    first = call("POST", "/v1/residents/imports", token=admin["access_token"], json_body=body, headers=headers)
    again = call("POST", "/v1/residents/imports", token=admin["access_token"], json_body=body, headers=headers)
    assert first.status == again.status == 201 and first.body == again.body


def test_sample_events_drive_the_start_route_and_the_worker(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    """events/api-residents-import-create.json and events/sqs-residents-import-uploaded.json, ids filled in."""
    from functions import authorizer
    from functions.api.residents import imports_create

    event = json.loads((EVENTS / "api-residents-import-create.json").read_text())
    decision = authorizer.handler({"type": "REQUEST", "headers": {"authorization": f"Bearer {admin['access_token']}"}},
                                  FakeContext())
    event["requestContext"]["authorizer"]["lambda"] = decision["context"]
    answer = imports_create.handler(event, FakeContext())
    assert answer["statusCode"] == 201, answer
    created = json.loads(answer["body"])
    key = created["upload"]["fields"]["key"]
    assert key.endswith("/Maple_Grove_residents.csv")
    put(aws_env, created, GOOD_FILE)
    boto3.client("sqs").purge_queue(QueueUrl=aws_env["queues"][QUEUE])  # the sample stands in for it
    sample = json.loads((EVENTS / "sqs-residents-import-uploaded.json").read_text())
    body = json.loads(sample["Records"][0]["body"])
    body["detail"]["bucket"]["name"] = bucket(aws_env)
    body["detail"]["object"]["key"] = key
    body["detail"]["object"]["size"] = len(GOOD_FILE)
    sample["Records"][0]["body"] = json.dumps(body)
    assert import_residents.handler(sample, FakeContext()) == {"batchItemFailures": []}
    result = status(admin["access_token"], created["import_id"])
    assert (result["status"], result["created"]) == ("completed", 3)
    # The sample's placeholder identity names nobody: 401, never a 500.
    placeholder = json.loads((EVENTS / "api-residents-import-create.json").read_text())
    assert imports_create.handler(placeholder, FakeContext())["statusCode"] == 401
