"""Provider notifications in the stack: topics into their queues, the SES configuration set and identity,
the grants that send mail and SMS, and the API URL every function is given."""

from __future__ import annotations

from typing import Any

import pytest

from infra.function import handler_string
from infra.notifications import SES_EVENTS
from shared.spec.resources import (
    AUDIT_QUEUE,
    AUTHORIZER_HANDLER,
    CAMPAIGNS_QUEUE,
    OUTBOX_QUEUE,
    PRIORITY_OUTBOX_QUEUE,
    RESOURCES,
    SES_EVENTS_TOPIC,
    SMS_INBOUND_TOPIC,
    QueueSpec,
)
from tests.infra.helpers import Synth, as_list, functions_by_handler, parent_value, ref_id, statements_of_role

pytestmark = pytest.mark.infra

# Every sending event but open/click: our own tracking records those (SES's would rewrite links twice).
ALL_SES_EVENT_TYPES = {"send", "delivery", "bounce", "complaint", "reject", "renderingFailure", "deliveryDelay"}


def resources_of(synth: Synth, type_: str) -> dict[str, dict[str, Any]]:
    return {logical_id: r["Properties"] for t, logical_id, r in synth.resources(type_) if t is synth.parent}


def queue_ids(synth: Synth, spec: QueueSpec) -> tuple[str, str]:
    """(queue, DLQ) logical ids of a spec'd queue, found through its worker's event source mapping."""
    (_, worker_id, _) = functions_by_handler(synth)[handler_string(spec.worker)]
    (mapping,) = [m for m in resources_of(synth, "AWS::Lambda::EventSourceMapping").values()
                  if ref_id(m["FunctionName"]) == worker_id]
    queue_id = ref_id(mapping["EventSourceArn"])
    assert queue_id is not None
    queue = synth.parent["Resources"][queue_id]["Properties"]
    dlq_id = ref_id(queue["RedrivePolicy"]["deadLetterTargetArn"])
    assert dlq_id is not None
    return queue_id, dlq_id


def topic_id(synth: Synth, logical_id: str) -> str:
    (found,) = [i for i in resources_of(synth, "AWS::SNS::Topic") if i.startswith(f"Notifications{logical_id}Topic")]
    return found


def topic_policy(synth: Synth, topic: str) -> list[dict[str, Any]]:
    (policy,) = [p for p in resources_of(synth, "AWS::SNS::TopicPolicy").values() if p["Topics"] == [{"Ref": topic}]]
    statements: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return statements


def test_each_topic_delivers_to_its_queue_with_the_envelope(dev: Synth) -> None:
    subscriptions = list(resources_of(dev, "AWS::SNS::Subscription").values())
    assert len(subscriptions) == len(RESOURCES.topics)
    queue_policies = resources_of(dev, "AWS::SQS::QueuePolicy").values()
    for spec in RESOURCES.topics:
        topic = topic_id(dev, spec.logical_id)
        (queue_spec,) = [q for q in RESOURCES.queues if q.logical_id == spec.queue]
        queue, dlq = queue_ids(dev, queue_spec)
        (subscription,) = [s for s in subscriptions if s["TopicArn"] == {"Ref": topic}]
        assert subscription["Protocol"] == "sqs"
        assert subscription["Endpoint"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert subscription["RawMessageDelivery"] is False  # the worker reads the SNS envelope
        assert subscription["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}}
        for target in (queue, dlq):  # SNS may send to the queue, and to the DLQ what it cannot deliver
            (policy,) = [p for p in queue_policies if p["Queues"] == [{"Ref": target}]]
            assert {
                "Action": "sqs:SendMessage", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": topic}}},
                "Resource": {"Fn::GetAtt": [target, "Arn"]},
            } in policy["PolicyDocument"]["Statement"]
        statements = topic_policy(dev, topic)
        assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                   for s in statements)


def test_only_ses_and_end_user_messaging_may_publish(dev: Synth) -> None:
    ((config_set_id, _),) = resources_of(dev, "AWS::SES::ConfigurationSet").items()
    allowed = {
        spec.logical_id: [s for s in topic_policy(dev, topic_id(dev, spec.logical_id)) if s["Effect"] == "Allow"]
        for spec in RESOURCES.topics
    }
    (ses,) = allowed[SES_EVENTS_TOPIC.logical_id]
    assert ses["Principal"] == {"Service": "ses.amazonaws.com"} and ses["Action"] == "sns:Publish"
    source_arn = ses["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Join"][1]
    assert source_arn[-2:] == [":configuration-set/", {"Ref": config_set_id}]
    (sms,) = allowed[SMS_INBOUND_TOPIC.logical_id]
    assert sms["Principal"] == {"Service": "sms-voice.amazonaws.com"}
    assert sms["Condition"] == {"StringEquals": {"AWS:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_configuration_set_publishes_delivery_events_but_not_ses_tracking_to_the_ses_events_topic(dev: Synth) -> None:
    ((config_set_id, config_set),) = resources_of(dev, "AWS::SES::ConfigurationSet").items()
    assert config_set["Name"] == "porchlight-dev"
    (destination,) = resources_of(dev, "AWS::SES::ConfigurationSetEventDestination").values()
    assert destination["ConfigurationSetName"] == {"Ref": config_set_id}
    event_destination = destination["EventDestination"]
    assert event_destination["Enabled"] is True
    assert set(event_destination["MatchingEventTypes"]) == ALL_SES_EVENT_TYPES
    assert not {"open", "click"} & set(event_destination["MatchingEventTypes"])
    assert len(SES_EVENTS) == len(ALL_SES_EVENT_TYPES)
    assert event_destination["SnsDestination"] == {"TopicARN": {"Ref": topic_id(dev, SES_EVENTS_TOPIC.logical_id)}}


def test_the_mail_domain_uses_the_configuration_set_by_default(dev: Synth, prod: Synth) -> None:
    ((config_set_id, _),) = resources_of(dev, "AWS::SES::ConfigurationSet").items()
    (identity,) = resources_of(dev, "AWS::SES::EmailIdentity").values()
    assert identity["EmailIdentity"] == "porchlight.dev"
    assert identity["ConfigurationSetAttributes"] == {"ConfigurationSetName": {"Ref": config_set_id}}
    assert len([o for o in dev.parent["Outputs"] if o.startswith("NotificationsDkimRecord")]) == 3
    ((_, _, prod_identity),) = prod.resources("AWS::SES::EmailIdentity")
    assert prod_identity["DeletionPolicy"] == "Retain"  # its DKIM records are in DNS


def test_every_function_gets_the_api_url_and_the_configuration_set(dev: Synth) -> None:
    ((api_id, _),) = resources_of(dev, "AWS::ApiGatewayV2::Api").items()
    ((config_set_id, _),) = resources_of(dev, "AWS::SES::ConfigurationSet").items()
    for template, _, function in dev.resources("AWS::Lambda::Function"):
        env = function["Properties"]["Environment"]["Variables"]
        assert parent_value(dev, template, env["PUBLIC_API_URL"]) == {"Fn::GetAtt": [api_id, "ApiEndpoint"]}
        assert parent_value(dev, template, env["SES_CONFIGURATION_SET"]) == {"Ref": config_set_id}
        assert env["MAIL_FROM_DOMAIN"] == "porchlight.dev"


def role_of(synth: Synth, handler: str) -> list[dict[str, Any]]:
    template, _, function = functions_by_handler(synth)[handler_string(handler)]
    role_id = ref_id(function["Properties"]["Role"])
    assert role_id is not None and template is synth.parent
    return statements_of_role(template, role_id)


def allowed_on(statements: list[dict[str, Any]], action: str) -> list[Any]:
    return [r for s in statements if s["Effect"] == "Allow" and action in as_list(s["Action"])
            for r in as_list(s["Resource"])]


def test_mail_is_sent_from_the_domain_with_the_configuration_set_only(dev: Synth) -> None:
    ((identity_id, _),) = resources_of(dev, "AWS::SES::EmailIdentity").items()
    ((config_set_id, _),) = resources_of(dev, "AWS::SES::ConfigurationSet").items()
    statements = role_of(dev, OUTBOX_QUEUE.worker)
    for action in ("ses:SendRawEmail", "ses:SendEmail"):
        arns = allowed_on(statements, action)
        assert [a["Fn::Join"][1][-2:] for a in arns] == [
            [":configuration-set/", {"Ref": config_set_id}], [":identity/", {"Ref": identity_id}]]


@pytest.mark.parametrize("handler", [OUTBOX_QUEUE.worker, "functions.workers.provider_events"])
def test_sms_reaches_phone_numbers_only(dev: Synth, handler: str) -> None:
    statements = role_of(dev, handler)
    assert allowed_on(statements, "sns:Publish") == ["*"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny == {"Effect": "Deny", "Action": "sns:Publish",
                    "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sns:*:*:*"]]}}


def test_outbox_grants_name_the_outbox_and_its_dlq(dev: Synth) -> None:
    outbox, outbox_dlq = queue_ids(dev, OUTBOX_QUEUE)
    priority, priority_dlq = queue_ids(dev, PRIORITY_OUTBOX_QUEUE)
    worker = role_of(dev, OUTBOX_QUEUE.worker)
    assert allowed_on(worker, "sqs:ChangeMessageVisibility") == [{"Fn::GetAtt": [outbox, "Arn"]}]
    (job,) = [j for j in RESOURCES.jobs if j.logical_id == "RequeueOutboxDeadLetters"]
    redrive = role_of(dev, job.handler)
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"):
        assert sorted(allowed_on(redrive, action), key=str) == sorted(
            [{"Fn::GetAtt": [outbox_dlq, "Arn"]}, {"Fn::GetAtt": [priority_dlq, "Arn"]}], key=str), action
    audit, _ = queue_ids(dev, AUDIT_QUEUE)  # every requeue is audited in its community's trail
    assert sorted(allowed_on(redrive, "sqs:SendMessage"), key=str) == sorted(
        [{"Fn::GetAtt": [outbox, "Arn"]}, {"Fn::GetAtt": [priority, "Arn"]}, {"Fn::GetAtt": [audit, "Arn"]}],
        key=str)
    assert not allowed_on(role_of(dev, AUTHORIZER_HANDLER), "sqs:SendMessage")


def test_campaign_schedules_reach_only_the_campaigns_queue(dev: Synth) -> None:
    """The send/update/cancel functions manage schedules of our group only and pass only the Scheduler
    role, which itself may only send to the campaigns queue."""
    campaigns, _ = queue_ids(dev, CAMPAIGNS_QUEUE)
    ((group_id, _),) = resources_of(dev, "AWS::Scheduler::ScheduleGroup").items()
    roles = {rid: r for rid, r in resources_of(dev, "AWS::IAM::Role").items()
             if "scheduler.amazonaws.com" in str(r["AssumeRolePolicyDocument"])}
    ((role_id, _),) = roles.items()
    scheduler_statements = statements_of_role(dev.parent, role_id)
    sends = [s for s in scheduler_statements if "sqs:SendMessage" in as_list(s["Action"])]
    assert [s["Resource"] for s in sends] == [{"Fn::GetAtt": [campaigns, "Arn"]}]
    template, _, function = functions_by_handler(dev)[handler_string("functions.api.campaigns.send")]
    role_id = ref_id(function["Properties"]["Role"])
    assert role_id is not None
    send = statements_of_role(template, role_id)  # in the campaigns' nested stack: parents come as parameters
    queue_params = [str(r) for r in allowed_on(send, "sqs:SendMessage")]
    assert len(queue_params) == 2 and any("CampaignsQueue" in p for p in queue_params)
    assert any("AuditQueue" in p for p in queue_params)
    (schedule_arn,) = allowed_on(send, "scheduler:CreateSchedule")
    assert ":schedule/" in str(schedule_arn) and "SchedulerSchedules" in str(schedule_arn)
    assert str(schedule_arn).endswith("'/*']]}")
    (pass_role,) = [s for s in send if "iam:PassRole" in as_list(s["Action"])]
    assert "SchedulerRole" in str(pass_role["Resource"])
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    assert group_id and not allowed_on(role_of(dev, CAMPAIGNS_QUEUE.worker), "scheduler:CreateSchedule")
