"""One-time EventBridge Scheduler schedules that start scheduled campaigns.

A schedule `campaign-{id}` fires once at `send_at` (UTC) and puts the campaign's start message on
the campaigns queue, then deletes itself. The message carries the schedule's token: a campaign
rescheduled or cancelled in the meantime has another token (or another status), so a stale
firing does nothing. Locally the runtime's Scheduler poller delivers the same message on time.
"""

from __future__ import annotations

import json
from datetime import datetime

from botocore.exceptions import ClientError

from shared.platform import aws
from shared.platform.settings import settings


def name_of(campaign_id: str) -> str:
    return f"campaign-{campaign_id}"


def start_body(community_id: str, campaign_id: str, token: str | None) -> str:
    """The campaigns queue message that starts a campaign's fan-out."""
    return json.dumps({"community_id": community_id, "campaign_id": campaign_id, "token": token})


def put(community_id: str, campaign_id: str, send_at: datetime, token: str) -> None:
    """Create the campaign's schedule, or move it (UpdateSchedule replaces the whole definition)."""
    config = settings()
    definition = {
        "Name": name_of(campaign_id),
        "GroupName": config.require("schedule_group"),
        "ScheduleExpression": f"at({send_at.strftime('%Y-%m-%dT%H:%M:%S')})",
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "Target": {
            "Arn": config.require("campaigns_queue_arn"),
            "RoleArn": config.require("scheduler_role_arn"),
            "Input": start_body(community_id, campaign_id, token),
            "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600},
        },
    }
    scheduler = aws.client("scheduler")
    try:
        scheduler.create_schedule(**definition)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConflictException":
            raise
        scheduler.update_schedule(**definition)


def delete(campaign_id: str) -> None:
    """Remove the schedule; one that already fired (and deleted itself) is fine."""
    try:
        aws.client("scheduler").delete_schedule(Name=name_of(campaign_id),
                                                GroupName=settings().require("schedule_group"))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
