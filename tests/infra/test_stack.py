"""The synthesized stacks match the spec: one function and route per ROUTES entry, queues, data, storage."""

from __future__ import annotations

import pytest

from infra.function import POWERTOOLS_ENV, handler_string
from shared.spec.grants import Grant
from shared.spec.resources import (
    API_CORS,
    AUTHORIZER_CACHE_TTL_S,
    AUTHORIZER_HANDLER,
    METRICS_NAMESPACE,
    NOT_FOUND_HANDLER,
    RESOURCES,
    SERVICE,
    TECHNICAL_FAILURE_METRIC,
    function_environment,
)
from shared.spec.routes import ROUTES
from tests.infra.helpers import Synth, functions_by_handler, parent_value, ref_id

pytestmark = pytest.mark.infra

EXPECTED_HANDLERS = {
    *(handler_string(r.handler) for r in ROUTES),
    handler_string(AUTHORIZER_HANDLER),
    handler_string(NOT_FOUND_HANDLER),
    *(handler_string(q.worker) for q in RESOURCES.queues),
    *(handler_string(j.handler) for j in RESOURCES.jobs),
}


def test_one_function_per_route_plus_authorizer_not_found_workers_and_jobs(dev: Synth) -> None:
    functions = list(dev.resources("AWS::Lambda::Function"))
    assert len(functions) == len(ROUTES) + 2 + len(RESOURCES.queues) + len(RESOURCES.jobs)
    assert set(functions_by_handler(dev)) == EXPECTED_HANDLERS


def test_every_function_has_the_defaults(dev: Synth) -> None:
    expected_env = set(
        function_environment(
            stage="x", version="x", table_name="x", signing_key_secret_id="x", mfa_key_id="x", bucket_name="x",
            queue_urls={q.logical_id: "x" for q in RESOURCES.queues},
            queue_arns={q.logical_id: "x" for q in RESOURCES.queues},
            schedule_group="x", scheduler_role_arn="x",
            ses_configuration_set="x", mail_from_domain="x", public_api_url="x", app_url="x",
        )
    ) | set(POWERTOOLS_ENV)
    for template, _, function in dev.resources("AWS::Lambda::Function"):
        props = function["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["LoggingConfig"]["LogFormat"] == "JSON"
        env = props["Environment"]["Variables"]
        assert props["LoggingConfig"]["ApplicationLogLevel"] == env["POWERTOOLS_LOG_LEVEL"]
        log_group = template["Resources"][ref_id(props["LoggingConfig"]["LogGroup"])]
        assert log_group["Type"] == "AWS::Logs::LogGroup" and log_group["Properties"]["RetentionInDays"] > 0
        assert len(props["Layers"]) == 1
        assert set(props["Environment"]["Variables"]) == expected_env
        assert props["Environment"]["Variables"]["STAGE"] == "dev"


def test_one_route_per_entry_with_the_authorizer_unless_public(dev: Synth) -> None:
    routes = {
        r["Properties"]["RouteKey"]: (t, r["Properties"]) for t, _, r in dev.resources("AWS::ApiGatewayV2::Route")
    }
    assert set(routes) == {r.route_key for r in ROUTES} | {"$default"}
    (_, authorizer_id, authorizer) = next(dev.resources("AWS::ApiGatewayV2::Authorizer"))
    for route in ROUTES:
        template, props = routes[route.route_key]
        if route.public:
            assert props["AuthorizationType"] == "NONE", route.route_key
            assert "AuthorizerId" not in props
        else:
            assert props["AuthorizationType"] == "CUSTOM", route.route_key
            assert parent_value(dev, template, props["AuthorizerId"]) == {"Ref": authorizer_id}
    default_template, default_route = routes["$default"]
    assert default_route["AuthorizationType"] == "NONE" and "AuthorizerId" not in default_route
    integration = default_template["Resources"][ref_id(default_route["Target"]["Fn::Join"][1][1])]
    function = default_template["Resources"][ref_id(integration["Properties"]["IntegrationUri"])]
    assert function["Properties"]["Handler"] == handler_string(NOT_FOUND_HANDLER)
    assert authorizer["Properties"]["EnableSimpleResponses"] is True
    assert authorizer["Properties"]["IdentitySource"] == ["$request.header.Authorization"]
    assert authorizer["Properties"]["AuthorizerResultTtlInSeconds"] == AUTHORIZER_CACHE_TTL_S


def test_each_route_invokes_its_own_handler_from_its_domain_stack(dev: Synth) -> None:
    for route in ROUTES:
        template = dev.nested_by_description(f"Porchlight {route.domain} routes")
        resources = template["Resources"]
        (props,) = [
            r["Properties"] for r in resources.values()
            if r["Type"] == "AWS::ApiGatewayV2::Route" and r["Properties"]["RouteKey"] == route.route_key
        ]
        integration = resources[ref_id(props["Target"]["Fn::Join"][1][1])]
        function = resources[ref_id(integration["Properties"]["IntegrationUri"])]
        assert function["Properties"]["Handler"] == handler_string(route.handler)
        assert function["Properties"]["MemorySize"] == route.memory_mb
        assert function["Properties"]["Timeout"] == route.timeout_s


def test_api_cors_and_access_logged_stage(dev: Synth) -> None:
    ((_, _, api),) = dev.resources("AWS::ApiGatewayV2::Api")
    cors = api["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == ["http://localhost:5173"]
    assert cors["AllowMethods"] == list(API_CORS.allow_methods)
    assert cors["AllowHeaders"] == list(API_CORS.allow_headers)
    ((_, _, stage),) = dev.resources("AWS::ApiGatewayV2::Stage")
    assert stage["Properties"]["StageName"] == "$default"
    assert dev.parent["Resources"][ref_id(stage["Properties"]["AccessLogSettings"]["DestinationArn"])]["Type"] == (
        "AWS::Logs::LogGroup"
    )
    assert "$context.requestId" in stage["Properties"]["AccessLogSettings"]["Format"]


def test_every_queue_has_a_dlq_an_alarm_and_a_worker(dev: Synth) -> None:
    queues = {logical_id: q for _, logical_id, q in dev.resources("AWS::SQS::Queue")}
    alarms = [a["Properties"] for _, _, a in dev.resources("AWS::CloudWatch::Alarm")]
    mappings = [m["Properties"] for _, _, m in dev.resources("AWS::Lambda::EventSourceMapping")]
    functions = dev.parent["Resources"]
    work_queues = {i: q for i, q in queues.items() if "RedrivePolicy" in q["Properties"]}
    assert len(work_queues) == len(RESOURCES.queues)
    dlq_ids = {ref_id(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]) for q in work_queues.values()}
    assert set(queues) == set(work_queues) | dlq_ids  # every queue is a work queue or a DLQ
    for spec in RESOURCES.queues:
        (queue_id,) = [i for i in work_queues if i.startswith(f"{spec.logical_id}Queue")]
        props = work_queues[queue_id]["Properties"]
        assert props["VisibilityTimeout"] == spec.visibility_timeout_s
        assert props["RedrivePolicy"]["maxReceiveCount"] == spec.max_receive_count
        assert props["SqsManagedSseEnabled"] is True
        dlq_id = ref_id(props["RedrivePolicy"]["deadLetterTargetArn"])
        dlq_dimension = [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]
        (alarm,) = [a for a in alarms if a["Dimensions"] == dlq_dimension]
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert functions[ref_id(alarm["AlarmActions"][0])]["Type"] == "AWS::SNS::Topic"
        (mapping,) = [m for m in mappings if ref_id(m["EventSourceArn"]) == queue_id]
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == spec.batch_size
        assert mapping["MaximumBatchingWindowInSeconds"] == spec.max_batching_window_s
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": spec.max_concurrency}
        worker = functions[ref_id(mapping["FunctionName"])]["Properties"]
        assert worker["Handler"] == handler_string(spec.worker)
        assert worker["Timeout"] == spec.worker_timeout_s <= spec.visibility_timeout_s


def test_messages_failed_for_a_technical_reason_raise_an_alarm(dev: Synth) -> None:
    """Issue 17: what `shared.messaging.failures` counts (namespace, name and the service dimension
    Powertools emits) is what the alarm watches, and it notifies the alarm topic."""
    alarms = [a["Properties"] for _, _, a in dev.resources("AWS::CloudWatch::Alarm")]
    (alarm,) = [a for a in alarms if a.get("MetricName") == TECHNICAL_FAILURE_METRIC]
    (outbox,) = [q for q in RESOURCES.queues if q.logical_id == "Outbox"]
    _, _, worker = functions_by_handler(dev)[handler_string(outbox.worker)]
    variables = worker["Properties"]["Environment"]["Variables"]
    assert alarm["Namespace"] == METRICS_NAMESPACE == variables["POWERTOOLS_METRICS_NAMESPACE"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    assert variables["POWERTOOLS_SERVICE_NAME"] == SERVICE
    assert alarm["Statistic"] == "Sum" and alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"
    assert dev.parent["Resources"][ref_id(alarm["AlarmActions"][0])]["Type"] == "AWS::SNS::Topic"


def test_queues_and_buckets_refuse_plain_http(dev: Synth) -> None:
    policies = [p["Properties"] for _, _, p in dev.resources("AWS::SQS::QueuePolicy")]
    policies += [p["Properties"] for _, _, p in dev.resources("AWS::S3::BucketPolicy")]
    assert len(policies) == 2 * len(RESOURCES.queues) + 2
    for policy in policies:
        assert any(
            s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
            for s in policy["PolicyDocument"]["Statement"]
        )


def test_buckets_are_private_and_encrypted(dev: Synth) -> None:
    buckets = [b["Properties"] for _, _, b in dev.resources("AWS::S3::Bucket")]
    assert len(buckets) == 2  # assets + its access logs
    for props in buckets:
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
        }
        (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (assets,) = [b for b in buckets if "CorsConfiguration" in b]
    (cors,) = assets["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedOrigins"] == ["http://localhost:5173"]
    assert set(cors["AllowedMethods"]) == set(RESOURCES.bucket.cors_methods)
    assert assets["LoggingConfiguration"]["DestinationBucketName"]
    assert any("AbortIncompleteMultipartUpload" in r for r in assets["LifecycleConfiguration"]["Rules"])


def test_table(dev: Synth) -> None:
    ((_, _, table),) = dev.resources("AWS::DynamoDB::Table")
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": RESOURCES.table.ttl_attribute, "Enabled": True}
    assert props["KeySchema"] == [
        {"AttributeName": RESOURCES.table.pk, "KeyType": "HASH"},
        {"AttributeName": RESOURCES.table.sk, "KeyType": "RANGE"},
    ]
    indexes = {i["IndexName"]: i for i in props["GlobalSecondaryIndexes"]}
    assert set(indexes) == {i.name for i in RESOURCES.table.indexes} and "gsi1" in indexes
    for spec in RESOURCES.table.indexes:
        assert indexes[spec.name]["Projection"] == {"ProjectionType": "ALL"}
        assert [k["AttributeName"] for k in indexes[spec.name]["KeySchema"]] == [spec.pk, spec.sk]
    assert table["DeletionPolicy"] == "Delete" and props["DeletionProtectionEnabled"] is False


def test_prod_keeps_its_data(prod: Synth) -> None:
    ((_, _, table),) = prod.resources("AWS::DynamoDB::Table")
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    for type_ in ("AWS::SecretsManager::Secret", "AWS::S3::Bucket", "AWS::SQS::Queue"):
        assert {r["DeletionPolicy"] for _, _, r in prod.resources(type_)} == {"Retain"}, type_
    ((_, _, bucket),) = [b for b in prod.resources("AWS::S3::Bucket") if "CorsConfiguration" in b[2]["Properties"]]
    assert bucket["Properties"]["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == ["https://app.porchlight.example"]


def test_scheduled_jobs_and_scheduler_group(dev: Synth) -> None:
    functions = functions_by_handler(dev)
    rules = [r["Properties"] for _, _, r in dev.resources("AWS::Events::Rule")
             if "ScheduleExpression" in r["Properties"]]  # not the upload rules (event patterns)
    for job in RESOURCES.jobs:
        (rule,) = [r for r in rules if r["ScheduleExpression"] == job.schedule and r["Description"] == job.description]
        (_, function_id, _) = functions[handler_string(job.handler)]
        assert [ref_id(t["Arn"]) for t in rule["Targets"]] == [function_id]
    ((_, group_id, _),) = dev.resources("AWS::Scheduler::ScheduleGroup")
    scheduler = {"Service": "scheduler.amazonaws.com"}
    roles = [
        (i, r) for _, i, r in dev.resources("AWS::IAM::Role")
        if r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == scheduler
    ]
    assert len(roles) == 1
    env = dev.parent["Resources"][functions[handler_string(AUTHORIZER_HANDLER)][1]]["Properties"]["Environment"]
    assert env["Variables"][RESOURCES.scheduler_group.env_var] == {"Ref": group_id}  # type: ignore[union-attr]
    assert env["Variables"][RESOURCES.scheduler_group.role_env_var] == {"Fn::GetAtt": [roles[0][0], "Arn"]}  # type: ignore[union-attr]


def test_code_asset_holds_only_functions_and_shared(dev: Synth) -> None:
    keys = {f["Properties"]["Code"]["S3Key"] for _, _, f in dev.resources("AWS::Lambda::Function")}
    assert len(keys) == 1  # one asset for every function, whichever stack it is in
    asset = dev.outdir / f"asset.{keys.pop().removesuffix('.zip')}"
    assert sorted(p.name for p in asset.iterdir()) == ["functions", "shared"]
    assert not list(asset.rglob("__pycache__")) and not list(asset.rglob("*.pyc"))
    assert (asset / "functions" / "authorizer.py").is_file()


def test_every_template_is_far_from_the_resource_limit(dev: Synth) -> None:
    counts = {name: len(t["Resources"]) for name, t in dev.templates.items()}
    assert len(dev.nested) == len({r.domain for r in ROUTES})
    assert all(count < 500 for count in counts.values()), counts
    # What a domain stack holds per route: function, role, policy, log group, permission, route, integration.
    for template in dev.nested.values():
        routes = sum(1 for r in template["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Route")
        assert len(template["Resources"]) == 7 * routes


def test_the_mfa_key_rotates_and_only_mfa_functions_may_use_it(dev: Synth) -> None:
    keys = list(dev.resources("AWS::KMS::Key"))
    assert len(keys) == 1 and keys[0][2]["Properties"]["EnableKeyRotation"] is True
    users = {route.handler for route in ROUTES if Grant.MFA_KEY_USE in route.grants}
    assert users == {"functions.api.auth.mfa_verify", "functions.api.auth.totp_setup",
                     "functions.api.auth.totp_confirm", "functions.api.auth.backup_codes",
                     "functions.api.auth.totp_disable"}
