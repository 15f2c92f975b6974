"""Each function's role holds exactly what its grants say (plus its own logs and X-Ray), nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from infra.function import handler_string
from infra.permissions import (
    GRANT_POLICIES,
    TABLE_READ_ACTIONS,
    TABLE_WRITE_ACTIONS,
    GrantTargets,
    statements,
)
from shared.spec.resources import AUTHORIZER_GRANTS, AUTHORIZER_HANDLER, NOT_FOUND_HANDLER, RESOURCES
from shared.spec.routes import ROUTES, Grant, by_handler
from tests.infra.helpers import (
    Synth,
    Template,
    actions_of,
    as_list,
    functions_by_handler,
    parent_value,
    ref_id,
    statements_of_role,
)

pytestmark = pytest.mark.infra

BASELINE = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "logs:CreateLogStream", "logs:PutLogEvents"}
SQS_CONSUME = {  # what CDK's SqsEventSource grants the worker
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
}


@cache
def _scratch_targets() -> GrantTargets:
    stack = Stack(App(), "Scratch")
    table = dynamodb.Table(stack, "T", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))
    return GrantTargets(
        table=table,
        signing_key=secretsmanager.Secret(stack, "S"),
        mfa_key_arn="arn:aws:kms:us-east-1:123456789012:key/mfa",
        queues={q.logical_id: sqs.Queue(stack, q.logical_id) for q in RESOURCES.queues},
        dead_letter_queues={q.logical_id: sqs.Queue(stack, f"{q.logical_id}Dlq") for q in RESOURCES.queues},
        ses_identity_arn="arn:aws:ses:us-east-1:123456789012:identity/porchlight.dev",
        ses_configuration_set_arn="arn:aws:ses:us-east-1:123456789012:configuration-set/porchlight-dev",
        bucket=s3.Bucket(stack, "B"),
    )


def granted_actions(grants: Iterable[Grant]) -> set[str]:
    return {a for s in statements(grants, _scratch_targets()) for a in s.actions}


def role_statements(synth: Synth, handler: str) -> tuple[Template, list[dict[str, Any]]]:
    template, _, function = functions_by_handler(synth)[handler]
    role_id = ref_id(function["Properties"]["Role"])
    assert role_id is not None
    role = template["Resources"][role_id]["Properties"]
    assert "ManagedPolicyArns" not in role, f"{handler}: managed policies on the role"
    return template, statements_of_role(template, role_id)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_route_role_has_exactly_its_grants(dev: Synth, route: Any) -> None:
    _, found = role_statements(dev, handler_string(route.handler))
    assert actions_of(found) == BASELINE | granted_actions(route.grants)


def test_async_functions_have_exactly_their_grants(dev: Synth) -> None:
    _, found = role_statements(dev, handler_string(AUTHORIZER_HANDLER))
    assert actions_of(found) == BASELINE | granted_actions(AUTHORIZER_GRANTS)
    _, found = role_statements(dev, handler_string(NOT_FOUND_HANDLER))
    assert actions_of(found) == BASELINE  # the `$default` route reads nothing
    for queue in RESOURCES.queues:
        _, found = role_statements(dev, handler_string(queue.worker))
        assert actions_of(found) == BASELINE | SQS_CONSUME | granted_actions(queue.grants)
    for job in RESOURCES.jobs:
        _, found = role_statements(dev, handler_string(job.handler))
        assert actions_of(found) == BASELINE | granted_actions(job.grants)


def test_examples_from_the_route_table(dev: Synth) -> None:
    _, health = role_statements(dev, handler_string("functions.api.health"))
    assert not {a for a in actions_of(health) if a.split(":")[0] in {"dynamodb", "secretsmanager", "sqs"}}
    signup_route = by_handler("functions.api.auth.signup")
    assert Grant.SIGNING_KEY_READ in signup_route.grants
    _, signup = role_statements(dev, handler_string(signup_route.handler))
    assert {"secretsmanager:GetSecretValue", "dynamodb:PutItem", "sqs:SendMessage"} <= actions_of(signup)
    assert "secretsmanager:PutSecretValue" not in actions_of(signup)
    _, authorizer = role_statements(dev, handler_string(AUTHORIZER_HANDLER))
    assert not actions_of(authorizer) & set(TABLE_WRITE_ACTIONS)


def test_only_xray_and_sms_use_a_wildcard_resource_and_grants_name_their_targets(dev: Synth) -> None:
    ((_, table_id, _),) = dev.resources("AWS::DynamoDB::Table")
    ((_, secret_id, _),) = dev.resources("AWS::SecretsManager::Secret")
    sms_only_deny = {"Effect": "Deny", "Action": "sns:Publish",
                     "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sns:*:*:*"]]}}
    for handler in functions_by_handler(dev):
        template, found = role_statements(dev, handler)
        for statement in found:
            resources = [parent_value(dev, template, r) for r in as_list(statement["Resource"])]
            services = {a.split(":")[0] for a in as_list(statement["Action"])}
            if "*" in resources:
                assert services <= {"xray", "sns"}, (handler, statement)
                assert "sns" not in services or sms_only_deny in found, (handler, "SMS without the topic deny")
            if services == {"dynamodb"}:
                table_arn = {"Fn::GetAtt": [table_id, "Arn"]}
                indexes = [r["Fn::Join"][1] for r in resources if "Fn::Join" in r]
                assert [r for r in resources if "Fn::Join" not in r] == [table_arn]
                assert sorted((parent_value(dev, template, arn) == table_arn, suffix) for arn, suffix in indexes) == [
                    (True, f"/index/{i.name}") for i in RESOURCES.table.indexes
                ]
            if services == {"secretsmanager"}:
                assert resources == [{"Ref": secret_id}]


def test_every_grant_is_mapped() -> None:
    assert set(GRANT_POLICIES) == set(Grant)


def test_table_actions_are_cdks_grant_actions() -> None:
    """Our table statements carry the actions of CDK's grant_read_data / grant_read_write_data."""
    stack = Stack(App(), "Reference")
    table = dynamodb.Table(stack, "T", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))
    reader = iam.Role(stack, "Reader", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    writer = iam.Role(stack, "Writer", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    table.grant_read_data(reader)
    table.grant_read_write_data(writer)
    streams = {"dynamodb:GetRecords", "dynamodb:GetShardIterator"}  # the table has no stream

    def cdk_actions(role: iam.Role) -> set[str]:
        policy = role.node.find_child("DefaultPolicy")
        assert isinstance(policy, iam.Policy)
        document = stack.resolve(policy.document)
        return {a for s in document["Statement"] for a in as_list(s["Action"])} - streams

    assert set(TABLE_READ_ACTIONS) == cdk_actions(reader)
    assert set(TABLE_READ_ACTIONS + TABLE_WRITE_ACTIONS) == cdk_actions(writer)
    assert "dynamodb:ConditionCheckItem" in TABLE_READ_ACTIONS  # transactions' condition checks
