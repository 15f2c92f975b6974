"""Scheduled jobs from `RESOURCES.jobs`, and the Scheduler group for one-time schedules made at run time."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from infra.function import FunctionDefaults, PorchlightFunction
from shared.spec.resources import ScheduledJob, SchedulerGroup


class SchedulerResources(Construct):
    """The group run-time code creates `at()` schedules in, and the role those schedules assume.

    The role starts with no permissions: whatever later becomes a schedule target grants the role
    (e.g. `fn.grant_invoke(role)`), so a schedule can reach exactly its targets. Functions find both
    through `function_environment` (group name, role ARN).
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: SchedulerGroup) -> None:
        super().__init__(scope, construct_id)
        self.group = scheduler.CfnScheduleGroup(self, spec.logical_id)
        self.group_name = self.group.ref  # Ref of AWS::Scheduler::ScheduleGroup is its name
        self.role = iam.Role(
            self,
            "Role",
            description="Assumed by EventBridge Scheduler to invoke the targets of Porchlight's schedules",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                # Confused-deputy guard: only EventBridge Scheduler acting for this account.
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            ),
        )


class ScheduledJobs(Construct):
    """An EventBridge rule per job, invoking its function."""

    def __init__(
        self, scope: Construct, construct_id: str, *, jobs: tuple[ScheduledJob, ...], defaults: FunctionDefaults
    ) -> None:
        super().__init__(scope, construct_id)
        self.functions: dict[str, PorchlightFunction] = {}
        self.rules: dict[str, events.Rule] = {}
        for job in jobs:
            fn = PorchlightFunction(
                self,
                job.logical_id,
                defaults=defaults,
                module=job.handler,
                description=job.description,
                grants=job.grants,
                timeout=Duration.seconds(job.timeout_s),
            )
            rule = events.Rule(
                self,
                f"{job.logical_id}Rule",
                description=job.description,
                schedule=events.Schedule.expression(job.schedule),
            )
            rule.add_target(targets.LambdaFunction(fn.function, retry_attempts=2, max_event_age=Duration.hours(1)))
            self.functions[job.logical_id] = fn
            self.rules[job.logical_id] = rule
