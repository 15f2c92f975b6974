"""The Porchlight stack: everything is built by looping over `shared.spec` (resources and routes)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from infra.api import Api
from infra.code import CodeAsset
from infra.config import StageConfig
from infra.data import Data
from infra.domains import DomainRoutes, by_domain, pascal
from infra.function import FunctionDefaults, PorchlightFunction
from infra.layer import DependencyLayer
from infra.messaging import AlarmTopic, WorkQueue
from infra.monitoring import MessageFailureAlarm
from infra.notifications import Notifications
from infra.permissions import GrantTargets, acknowledge_wildcards
from infra.schedules import ScheduledJobs, SchedulerResources
from infra.secrets import MfaKey, SigningKey
from infra.storage import Storage
from infra.uploads import UploadRouting
from shared.spec.resources import CAMPAIGNS_QUEUE, RESOURCES, SERVICE, Resources, function_environment
from shared.spec.routes import ROUTES, Route


class PorchlightStack(Stack):
    """Stateful resources, the API and the async functions here; routes in one nested stack per domain."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        code_dir: Path,
        resources: Resources = RESOURCES,
        routes: tuple[Route, ...] = ROUTES,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"Porchlight serverless backend ({config.stage})",
            termination_protection=config.is_prod,
        )
        Tags.of(self).add("service", SERVICE)
        Tags.of(self).add("stage", config.stage)

        self.data = Data(self, "Data", spec=resources.table, config=config)
        self.signing_key = SigningKey(self, "Secrets", spec=resources.signing_key, config=config)
        self.mfa_key = MfaKey(self, "Keys", spec=resources.mfa_key, config=config)
        self.storage = Storage(self, "Storage", spec=resources.bucket, config=config)
        self.alarms = AlarmTopic(self, "Alarms")
        self.message_failures = MessageFailureAlarm(self, "MessageFailures", alarm_topic=self.alarms.topic)
        self.queues = {
            spec.logical_id: WorkQueue(
                self, f"{spec.logical_id}Queue", spec=spec, config=config, alarm_topic=self.alarms.topic
            )
            for spec in resources.queues
        }
        self.scheduler = (
            SchedulerResources(self, "Scheduler", spec=resources.scheduler_group)
            if resources.scheduler_group
            else None
        )
        if self.scheduler:  # campaign schedules put the campaign's start message on its queue, nothing else
            self.queues[CAMPAIGNS_QUEUE.logical_id].queue.grant_send_messages(self.scheduler.role)
        self.notifications = Notifications(
            self, "Notifications", topics=resources.topics, queues=self.queues, config=config
        )
        self.uploads = UploadRouting(
            self, "Uploads", bucket=self.storage.bucket, consumers=resources.uploads, queues=self.queues
        )
        # The API comes before any function: they all get its URL, and the authorizer is one of them.
        self.api = Api(self, "Api", config=config)

        environment = function_environment(
            stage=config.stage,
            version=config.version,
            table_name=self.data.table.table_name,
            signing_key_secret_id=self.signing_key.secret.secret_arn,
            mfa_key_id=self.mfa_key.key.key_arn,
            bucket_name=self.storage.bucket.bucket_name,
            queue_urls={logical_id: queue.queue.queue_url for logical_id, queue in self.queues.items()},
            queue_arns={logical_id: queue.queue.queue_arn for logical_id, queue in self.queues.items()},
            schedule_group=self.scheduler.group_name if self.scheduler else "",
            scheduler_role_arn=self.scheduler.role.role_arn if self.scheduler else "",
            ses_configuration_set=self.notifications.configuration_set_name,
            mail_from_domain=config.mail_domain,
            public_api_url=self.api.endpoint,
            app_url=config.spa_origin,
            log_level=config.log_level,
            portal_url=config.portal_url,
        )
        self.defaults = FunctionDefaults(
            config=config,
            code=CodeAsset(code_dir),
            layer=DependencyLayer(self, "Dependencies", layer_dir=config.layer_dir).layer,
            environment=environment,
            targets=GrantTargets(
                table=self.data.table,
                signing_key=self.signing_key.secret,
                mfa_key_arn=self.mfa_key.key.key_arn,
                queues={logical_id: queue.queue for logical_id, queue in self.queues.items()},
                dead_letter_queues={logical_id: queue.dlq for logical_id, queue in self.queues.items()},
                ses_identity_arn=self.notifications.identity_arn,
                ses_configuration_set_arn=self.notifications.configuration_set_arn,
                bucket=self.storage.bucket,
                schedule_group=self.scheduler.group if self.scheduler else None,
                scheduler_role_arn=self.scheduler.role.role_arn if self.scheduler else "",
            ),
        )

        self.workers = {logical_id: queue.add_worker(self.defaults) for logical_id, queue in self.queues.items()}
        self.jobs = ScheduledJobs(self, "Jobs", jobs=resources.jobs, defaults=self.defaults)
        self.api.add_authorizer(self.defaults)
        self.api.add_default_route(self.defaults)
        self.domains = {
            domain: DomainRoutes(
                self,
                f"{pascal(domain)}Routes",
                domain=domain,
                routes=domain_routes,
                http_api=self.api.http_api,
                authorizer=self.api.authorizer,
                defaults=self.defaults,
            )
            for domain, domain_routes in by_domain(routes).items()
        }
        for construct in self.node.find_all():
            if isinstance(construct, PorchlightFunction):
                acknowledge_wildcards(construct, construct.grants, self.defaults.targets)

        CfnOutput(self, "ApiUrl", value=self.api.url, description="Base URL of the HTTP API")
        CfnOutput(self, "TableName", value=self.data.table.table_name)
        CfnOutput(self, "AssetsBucketName", value=self.storage.bucket.bucket_name)
        CfnOutput(self, "SigningKeySecretArn", value=self.signing_key.secret.secret_arn)
        CfnOutput(self, "MfaKeyArn", value=self.mfa_key.key.key_arn,
                  description="MFA_KEY_ID for `python -m shared.identity create-super-admin`")
        for logical_id, topic in self.notifications.topics.items():
            CfnOutput(self, f"{logical_id}TopicArn", value=topic.topic_arn)
        CfnOutput(self, "SesConfigurationSet", value=self.notifications.configuration_set_name)
        CfnOutput(self, "AlarmTopicArn", value=self.alarms.topic.topic_arn, description="Subscribe on-call here")
