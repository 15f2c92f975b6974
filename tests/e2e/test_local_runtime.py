"""The local runtime over real HTTP: gateway behaviour, dev endpoints, queue pollers and schedules."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from shared.audit.events import AuditEvent
from shared.spec.resources import API_CORS, AUDIT_QUEUE, DEFAULT_SPA_ORIGIN, ROTATE_SIGNING_KEY
from tests.e2e.conftest import Api, LocalRuntime, sign_in

pytestmark = pytest.mark.e2e

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout_s: float = 15.0, interval_s: float = 0.1) -> T:
    """The first truthy result of `probe`, polling until `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing came within {timeout_s} s")
        time.sleep(interval_s)


def test_health_over_http(api: Api) -> None:
    response = api.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["apigw-requestid"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/no-such-thing"), ("DELETE", "/v1/health"),
                                              ("POST", "/"), ("GET", "/_dev/nope")])
def test_unknown_path_is_the_contracts_404(api: Api, method: str, path: str) -> None:
    """The `$default` route: no route matches → the contract's body, not API Gateway's `{"message"}`."""
    response = api.session.request(method, api.base_url + path, timeout=10)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "NOT_FOUND" and response.json()["error"]["details"] == []


def test_docs_work_offline(api: Api) -> None:
    """Swagger UI's page and both of its files come from this server (no CDN)."""
    page = api.session.get(api.base_url + "/docs", timeout=10)
    assert page.status_code == 200 and "unpkg" not in page.text and "https://" not in page.text
    for asset, kind in (("/docs/swagger-ui.css", "text/css"), ("/docs/swagger-ui-bundle.js", "javascript")):
        answer = api.session.get(api.base_url + asset, timeout=10)
        assert answer.status_code == 200 and kind in answer.headers["content-type"] and len(answer.content) > 10_000


def test_protected_route_without_authorization_is_401(api: Api) -> None:
    response = api.get("/v1/me")
    assert response.status_code == 401 and response.json() == {"message": "Unauthorized"}


def test_cors_preflight_from_the_spa_is_answered(api: Api) -> None:
    response = api.options("/v1/me", headers={"Origin": DEFAULT_SPA_ORIGIN, "Access-Control-Request-Method": "GET",
                                              "Access-Control-Request-Headers": "authorization"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == DEFAULT_SPA_ORIGIN
    assert "authorization" in response.headers["access-control-allow-headers"]
    assert response.headers["access-control-max-age"] == str(API_CORS.max_age_s)
    actual = api.get("/v1/health", headers={"Origin": DEFAULT_SPA_ORIGIN})
    assert actual.headers["access-control-allow-origin"] == DEFAULT_SPA_ORIGIN


def test_docs_page_is_served(api: Api) -> None:
    response = api.get("/docs")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "/v1/openapi.json" in response.text
    assert api.get("/v1/openapi.json").json()["openapi"].startswith("3.")


def test_demo_admin_signs_in_and_passes_the_authorizer(api: Api, local_runtime: LocalRuntime) -> None:
    demo = local_runtime.demo
    login = sign_in(api, community=demo.slug, email=demo.admin_email, password=demo.admin_password,
                    totp_secret=demo.admin_totp_secret)
    me = api.get("/v1/me", token=login["access_token"])
    assert me.status_code == 200, me.text
    assert me.json()["user"]["email"] == demo.admin_email


def test_mailbox_shows_mail_sent_through_the_embedded_aws(api: Api, local_runtime: LocalRuntime) -> None:
    assert api.delete("/_dev/mailbox").status_code == 204
    assert api.get("/_dev/mailbox").json() == {"items": []}
    local_runtime.aws("ses").send_email(
        Source="noreply@porchlight.dev", Destination={"ToAddresses": ["e2e@example.com"]},
        Message={"Subject": {"Data": "Hello from e2e"}, "Body": {"Text": {"Data": "It works"}}},
    )
    items = api.get("/_dev/mailbox").json()["items"]
    assert [(i["to"], i["subject"], i["text"]) for i in items] == [(["e2e@example.com"], "Hello from e2e", "It works")]


def test_audit_queue_delivers_to_the_real_worker(local_runtime: LocalRuntime) -> None:
    queue = local_runtime.resources["queues"][AUDIT_QUEUE.logical_id]
    event = AuditEvent(community_id="e2e-community", action="e2e.checked", actor_id="e2e-user")
    local_runtime.aws("sqs").send_message(QueueUrl=queue["url"], MessageBody=event.model_dump_json())
    dynamodb, table = local_runtime.aws("dynamodb"), local_runtime.resources["table"]

    def stored() -> list[dict[str, Any]]:
        return dynamodb.scan(TableName=table, FilterExpression="id = :id",
                             ExpressionAttributeValues={":id": {"S": event.id}})["Items"]

    item = eventually(stored)[0]
    assert item["action"]["S"] == "e2e.checked"
    attributes = local_runtime.aws("sqs").get_queue_attributes(QueueUrl=queue["url"], AttributeNames=["All"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "0"
    assert json.loads(attributes["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"] == queue["dlq_arn"]


def _at(moment: datetime) -> str:
    return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})"


def test_one_time_schedule_delivers_to_a_queue_on_time(local_runtime: LocalRuntime) -> None:
    sqs, scheduler = local_runtime.aws("sqs"), local_runtime.aws("scheduler")
    group = local_runtime.resources["schedule_group"]
    url = sqs.create_queue(QueueName="e2e-scheduled-target")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    due = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
    scheduler.create_schedule(
        Name="e2e-reminder", GroupName=group, ScheduleExpression=_at(due), ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE",
        Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler", "Input": '{"reminder": 1}'},
    )

    def received() -> list[dict[str, Any]]:
        return sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])

    messages = eventually(received, timeout_s=15)
    arrived = datetime.now(UTC)
    assert json.loads(messages[0]["Body"]) == {"reminder": 1}
    assert arrived >= due - timedelta(seconds=1)  # not early (1 s for clock granularity)
    assert arrived <= due + timedelta(seconds=5)  # and on time
    eventually(lambda: not scheduler.list_schedules(GroupName=group)["Schedules"])  # ActionAfterCompletion DELETE


def test_one_time_schedule_invokes_a_lambda_target(local_runtime: LocalRuntime) -> None:
    secrets, secret_id = local_runtime.aws("secretsmanager"), local_runtime.resources["secret_id"]
    before = json.loads(secrets.get_secret_value(SecretId=secret_id)["SecretString"])["kid"]
    local_runtime.aws("scheduler").create_schedule(
        Name="e2e-rotate", GroupName=local_runtime.resources["schedule_group"],
        ScheduleExpression=_at(datetime.now(UTC)), FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={"Arn": f"arn:aws:lambda:us-east-1:123456789012:function:{ROTATE_SIGNING_KEY.logical_id}",
                "RoleArn": "arn:aws:iam::123456789012:role/scheduler", "Input": "{}"},
    )

    def rotated() -> str | None:
        kid = json.loads(secrets.get_secret_value(SecretId=secret_id)["SecretString"])["kid"]
        return kid if kid != before else None

    eventually(rotated)
