"""Uploads in the stack: S3 → EventBridge → one rule per consumer → its queue; cleanup; object grants."""

from __future__ import annotations

from typing import Any

import pytest

from infra.function import handler_string
from shared.spec.grants import Grant
from shared.spec.resources import ASSET_UPLOADS, RESIDENT_IMPORTS, RESIDENT_IMPORTS_QUEUE, RESOURCES, UPLOAD_ROOT
from shared.spec.routes import ROUTES, by_handler
from tests.infra.helpers import Synth, as_list, functions_by_handler, parent_value, ref_id, statements_of_role

pytestmark = pytest.mark.infra


def _assets_bucket(synth: Synth) -> tuple[str, dict[str, Any]]:
    (found,) = [(i, b["Properties"]) for _, i, b in synth.resources("AWS::S3::Bucket")
                if "CorsConfiguration" in b["Properties"]]
    return found


def _queue_id(synth: Synth, logical_id: str) -> str:
    (queue_id,) = [i for _, i, q in synth.resources("AWS::SQS::Queue")
                   if i.startswith(f"{logical_id}Queue") and "RedrivePolicy" in q["Properties"]]
    return queue_id


def test_the_bucket_sends_object_events_to_eventbridge_without_a_custom_resource(dev: Synth) -> None:
    _, bucket = _assets_bucket(dev)
    assert bucket["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    assert not list(dev.resources("Custom::S3BucketNotifications"))


def test_each_upload_consumer_has_a_rule_from_its_key_pattern_to_its_queue(dev: Synth) -> None:
    bucket_id, _ = _assets_bucket(dev)
    rules = [r["Properties"] for _, _, r in dev.resources("AWS::Events::Rule") if "EventPattern" in r["Properties"]]
    assert len(rules) == len(RESOURCES.uploads)
    for consumer in RESOURCES.uploads:
        (rule,) = [r for r in rules if r["EventPattern"]["detail"]["object"]["key"] ==
                   [{"wildcard": consumer.key_pattern}]]
        assert rule["EventPattern"]["source"] == ["aws.s3"]
        assert rule["EventPattern"]["detail-type"] == ["Object Created"]
        assert rule["EventPattern"]["detail"]["bucket"]["name"] == [{"Ref": bucket_id}]
        (target,) = rule["Targets"]
        queue_id = _queue_id(dev, consumer.queue)
        assert target["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
        dlq_id = ref_id(dev.parent["Resources"][queue_id]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
    assert ASSET_UPLOADS.key_pattern == f"{UPLOAD_ROOT}/*/assets/*"
    assert RESIDENT_IMPORTS.key_pattern == f"{UPLOAD_ROOT}/*/imports/*"


@pytest.mark.parametrize("consumer", RESOURCES.uploads, ids=lambda c: c.logical_id)
def test_only_the_consumers_rule_may_send_to_its_queue(dev: Synth, consumer: Any) -> None:
    queue_id = _queue_id(dev, consumer.queue)
    (policy,) = [p["Properties"] for _, _, p in dev.resources("AWS::SQS::QueuePolicy")
                 if {"Ref": queue_id} in p["Properties"]["Queues"]]
    (allow,) = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"}
    assert set(as_list(allow["Action"])) == {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}
    (rule_id,) = [i for _, i, r in dev.resources("AWS::Events::Rule") if "EventPattern" in r["Properties"]
                  and r["Properties"]["EventPattern"]["detail"]["object"]["key"] == [
                      {"wildcard": consumer.key_pattern}]]
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}}


def test_uploads_nobody_accepted_expire_after_a_day(dev: Synth) -> None:
    _, bucket = _assets_bucket(dev)
    (rule,) = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r.get("Id") == "expire-unaccepted-uploads"]
    key, value = RESOURCES.bucket.pending_tag
    assert rule["Prefix"] == f"{UPLOAD_ROOT}/" and rule["TagFilters"] == [{"Key": key, "Value": value}]
    assert rule["ExpirationInDays"] == RESOURCES.bucket.pending_expiry_days == 1
    assert rule["Status"] == "Enabled"


def _in_parent(synth: Synth, template: dict[str, Any], value: Any) -> Any:
    """`value` as the parent stack would write it: nested-stack parameters (also inside a Join) replaced."""
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return {"Fn::Join": [separator, [parent_value(synth, template, p) for p in parts]]}
    return parent_value(synth, template, value)


def _s3_statements(synth: Synth, handler: str) -> list[tuple[set[str], list[Any]]]:
    template, _, function = functions_by_handler(synth)[handler]
    role_id = ref_id(function["Properties"]["Role"])
    assert role_id is not None
    found = []
    for statement in statements_of_role(template, role_id):
        actions = set(as_list(statement["Action"]))
        if any(a.startswith("s3:") for a in actions):
            found.append((actions, [_in_parent(synth, template, r) for r in as_list(statement["Resource"])]))
    return found


@pytest.mark.parametrize(("handler", "actions"), [
    ("functions.api.assets.create", {"s3:PutObject", "s3:PutObjectTagging"}),
    ("functions.api.assets.download", {"s3:GetObject"}),
    ("functions.api.assets.delete", {"s3:DeleteObject"}),
    # Copies accepted bytes to the verified key (PutObject as the copy's destination); untags nothing any more.
    ("functions.workers.verify_assets", {"s3:GetObject", "s3:DeleteObject", "s3:PutObject"}),
])
def test_object_grants_are_scoped_to_the_assets_key_pattern(dev: Synth, handler: str, actions: set[str]) -> None:
    _scoped_to(dev, handler, actions, ASSET_UPLOADS.key_pattern)


@pytest.mark.parametrize(("handler", "actions"), [
    ("functions.api.residents.imports_create", {"s3:PutObject", "s3:PutObjectTagging"}),
    ("functions.workers.import_residents", {"s3:GetObject"}),  # no delete, no untag: the CSV expires
])
def test_import_object_grants_are_scoped_to_the_imports_key_pattern(dev: Synth, handler: str,
                                                                     actions: set[str]) -> None:
    _scoped_to(dev, handler, actions, "communities/*/imports/*")


@pytest.mark.parametrize(("handler", "actions"), [
    ("functions.api.work_orders.attachments_create", {"s3:PutObject", "s3:PutObjectTagging"}),
    ("functions.api.work_orders.attachments_download", {"s3:GetObject"}),
    ("functions.api.work_orders.attachments_list", set()),  # lists records only
    # Reads and deletes uploads; writes the verified copy and the thumbnail (PutObject), untags nothing.
    ("functions.workers.verify_work_order_files", {"s3:GetObject", "s3:DeleteObject", "s3:PutObject"}),
])
def test_work_order_object_grants_are_scoped_to_their_key_pattern(dev: Synth, handler: str,
                                                                   actions: set[str]) -> None:
    _scoped_to(dev, handler, actions, "communities/*/work-orders/*")


def test_the_work_order_files_worker_has_memory_and_time_for_a_photo(dev: Synth) -> None:
    from shared.spec.resources import WORK_ORDER_FILES_QUEUE

    _, _, function = functions_by_handler(dev)[handler_string(WORK_ORDER_FILES_QUEUE.worker)]
    assert function["Properties"]["MemorySize"] == 1024 and function["Properties"]["Timeout"] == 60
    queue_id = _queue_id(dev, WORK_ORDER_FILES_QUEUE.logical_id)
    assert dev.parent["Resources"][queue_id]["Properties"]["VisibilityTimeout"] == 360


def _scoped_to(dev: Synth, handler: str, actions: set[str], pattern: str) -> None:
    bucket_id, _ = _assets_bucket(dev)
    objects = {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, f"/{pattern}"]]}
    found = _s3_statements(dev, handler_string(handler))
    assert set().union(*(a for a, _ in found)) == actions
    for _, resources in found:
        assert resources == [objects], (handler, resources)


def test_no_other_function_touches_the_bucket(dev: Synth) -> None:
    object_grants = {Grant.ASSET_OBJECTS_UPLOAD, Grant.ASSET_OBJECTS_READ, Grant.ASSET_OBJECTS_DELETE,
                     Grant.ASSET_OBJECTS_UNTAG, Grant.ASSET_OBJECTS_PUBLISH, Grant.IMPORT_OBJECTS_UPLOAD,
                     Grant.IMPORT_OBJECTS_READ, Grant.WORK_ORDER_OBJECTS_UPLOAD, Grant.WORK_ORDER_OBJECTS_READ,
                     Grant.WORK_ORDER_OBJECTS_DELETE, Grant.WORK_ORDER_OBJECTS_PUBLISH}
    allowed = {handler_string(r.handler) for r in ROUTES if object_grants & set(r.grants)}
    allowed |= {handler_string(q.worker) for q in RESOURCES.queues if object_grants & set(q.grants)}
    assert allowed == {handler_string(h) for h in ("functions.api.assets.create", "functions.api.assets.download",
                                                   "functions.api.assets.delete", "functions.workers.verify_assets",
                                                   "functions.api.residents.imports_create",
                                                   "functions.workers.import_residents",
                                                   "functions.api.work_orders.attachments_create",
                                                   "functions.api.work_orders.attachments_download",
                                                   "functions.workers.verify_work_order_files")}
    allowed.add(handler_string("functions.workers.provider_events"))  # writes provider-notifications/* only
    # Issue 16: the outbox workers read, and serving a notice by email writes, mail-attachments/* only.
    mailers = {handler_string(h) for h in ("functions.workers.deliver", "functions.workers.deliver_priority",
                                            "functions.api.notices.serve")}
    for handler in mailers:
        statements = _s3_statements(dev, handler)
        assert statements and all("/mail-attachments/*" in str(resources) for _, resources in statements), handler
    allowed |= mailers
    for handler in functions_by_handler(dev):
        if handler not in allowed:
            assert _s3_statements(dev, handler) == [], handler
    assert Grant.ASSET_OBJECTS_UPLOAD not in by_handler("functions.api.assets.download").grants


def test_the_import_worker_has_one_file_per_invocation_and_time_for_it(dev: Synth) -> None:
    """Batch size 1: the worker's timeout is one file's budget (900 s, Lambda's maximum), and the queue's
    visibility timeout is six times it, as AWS asks of an SQS event source."""
    template, _, function = functions_by_handler(dev)[handler_string(RESIDENT_IMPORTS_QUEUE.worker)]
    assert function["Properties"]["Timeout"] == RESIDENT_IMPORTS_QUEUE.worker_timeout_s == 900
    assert function["Properties"]["MemorySize"] == RESIDENT_IMPORTS_QUEUE.memory_mb
    queue_id = _queue_id(dev, RESIDENT_IMPORTS_QUEUE.logical_id)
    assert dev.parent["Resources"][queue_id]["Properties"]["VisibilityTimeout"] == 5400
    (mapping,) = [m["Properties"] for _, _, m in dev.resources("AWS::Lambda::EventSourceMapping")
                  if m["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}]
    assert mapping["BatchSize"] == 1 and mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_raw_provider_notifications_are_written_by_the_worker_only_and_expire_after_90_days(dev: Synth) -> None:
    _scoped_to(dev, "functions.workers.provider_events", {"s3:PutObject"}, "provider-notifications/*")
    _, bucket = _assets_bucket(dev)
    (rule,) = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r["Id"] == "expire-raw-provider-notifications"]
    assert rule["Prefix"] == "provider-notifications/" and rule["ExpirationInDays"] == 90
    assert rule["Status"] == "Enabled"
