"""The one Lambda function construct: every route, worker, job and the authorizer is built here.

The defaults live in one place so that no function can drift from them: Python 3.13 on arm64
(Graviton: cheaper per GB-second, and the layer is built for it), active X-Ray tracing, JSON logs
into an explicit log group with a retention, the dependency layer, the shared code asset, the
environment from `shared.spec.resources.function_environment`, and a role of its own that holds
only what its grants say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import CfnResource, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.code import CodeAsset
from infra.config import StageConfig
from infra.nag import acknowledge
from infra.permissions import GrantTargets, statements
from shared.spec.routes import Grant

# layers/build.py installs cp313 aarch64 wheels; tests/infra checks the two agree.
RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64

# Added to function_environment(): Powertools settings that are about safety, not configuration.
POWERTOOLS_ENV: Mapping[str, str] = {
    # Tracer would otherwise put every response into X-Ray metadata: login/refresh return tokens.
    "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
    "POWERTOOLS_LOGGER_LOG_EVENT": "false",  # events carry Authorization headers and passwords
}


@dataclass
class FunctionDefaults:
    """What every function shares; built once in the parent stack and handed to nested stacks."""

    config: StageConfig
    code: CodeAsset
    layer: lambda_.ILayerVersion
    environment: Mapping[str, str]
    targets: GrantTargets


def handler_string(module: str) -> str:
    """Lambda's handler setting for a module that exposes `handler(event, context)`."""
    return f"{module}.handler"


class PorchlightFunction(Construct):
    """A function with its own log group and least-privilege role.

    Resources: the function, its role, the role's policy, its log group (4).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        module: str,
        description: str,
        grants: Sequence[Grant] = (),
        memory_mb: int = 256,
        timeout: Duration | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        config = defaults.config
        self.module = module
        self.grants = tuple(grants)
        self.log_group = logs.LogGroup(
            self, "Logs", retention=config.log_retention, removal_policy=config.removal_policy
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{module} ({', '.join(self.grants) or 'no data access'})"[:1000],
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler_string(module),
            code=defaults.code.for_scope(self),
            layers=[defaults.layer],
            role=self.role,
            description=description[:256],
            memory_size=memory_mb,
            timeout=timeout or Duration.seconds(10),
            environment={**defaults.environment, **POWERTOOLS_ENV},
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            # Lambda drops JSON application logs below this level: keep it equal to POWERTOOLS_LOG_LEVEL.
            application_log_level_v2=lambda_.ApplicationLogLevel(config.log_level),
            log_group=self.log_group,
        )
        # Only its own log group: the role has no AWSLambdaBasicExecutionRole (logs:* on every group).
        self.log_group.grant_write(self.role)
        for statement in statements(self.grants, defaults.targets):
            self.role.add_to_principal_policy(statement)
        self._depend_on_policy_only()
        acknowledge(
            self,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level "
            "permissions, so AWS requires Resource '*' (added by Lambda's Tracing.ACTIVE)",
        )
        acknowledge(
            self,
            "AwsSolutions-L1",
            "Python 3.13 is pinned on purpose: the dependency layer is built from cp313 aarch64 wheels "
            "(layers/build.py PYTHON_VERSION); the runtime and the layer move to a newer Python together",
        )

    def _depend_on_policy_only(self) -> None:
        """DependsOn the role's policy, not also the role: `Role: GetAtt` already orders that.

        CDK makes the function depend on the role construct (role + policy); the role half is what
        cfn-lint W3005 reports as redundant. The policy half matters: the function (and its SQS event
        source) must not be created before its permissions are attached. Statements added later
        (e.g. the SQS event source's) go into the same policy, so the dependency still covers them.
        """
        policy = self.role.node.try_find_child("DefaultPolicy")
        cfn_function = self.function.node.default_child
        if not isinstance(policy, iam.Policy) or not isinstance(cfn_function, CfnResource):
            raise TypeError("expected the function's role to have its DefaultPolicy (X-Ray is always granted)")
        policy_resource = policy.node.default_child
        assert isinstance(policy_resource, CfnResource)
        cfn_function.add_override("DependsOn", [Stack.of(self).get_logical_id(policy_resource)])
