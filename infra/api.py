"""The HTTP API: CORS for the SPA, an access-logged default stage, and the Lambda authorizer.

Routes are added by the per-domain nested stacks (`infra/domains.py`); the API, its stage and the
authorizer stay here, in the parent, so every domain attaches to the same ones.
"""

from __future__ import annotations

import json

import jsii
from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import StageConfig
from infra.function import FunctionDefaults, PorchlightFunction
from infra.nag import acknowledge
from shared.spec.resources import (
    API_CORS,
    AUTHORIZER_CACHE_TTL_S,
    AUTHORIZER_GRANTS,
    AUTHORIZER_HANDLER,
    AUTHORIZER_TIMEOUT_S,
    NOT_FOUND_HANDLER,
    CorsSpec,
)

# Default route throttling of the stage: a ceiling against runaway clients, far above real traffic.
THROTTLE_RATE_PER_S = 200
THROTTLE_BURST = 400

# One JSON object per request; $context variables of HTTP APIs (no request bodies, no headers).
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
}


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    """IAccessLogSettings is an interface in CDK: this is its one implementation."""

    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)
        self._format = apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT, separators=(",", ":")))

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return self._format


def cors_options(spec: CorsSpec, origin: str) -> apigwv2.CorsPreflightOptions:
    return apigwv2.CorsPreflightOptions(
        allow_origins=[origin],
        allow_methods=[apigwv2.CorsHttpMethod(method) for method in spec.allow_methods],
        allow_headers=list(spec.allow_headers),
        expose_headers=list(spec.expose_headers),
        max_age=Duration.seconds(spec.max_age_s),
    )


class Api(Construct):
    """The API first, its authorizer second: functions are built with the API's URL in their environment
    (`PUBLIC_API_URL`), and the authorizer is one of those functions."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            api_name=config.stack_name,
            description="Porchlight HTTP API",
            cors_preflight=cors_options(API_CORS, config.spa_origin),
            create_default_stage=False,
        )
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=config.log_retention, removal_policy=config.removal_policy
        )
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            auto_deploy=True,
            access_log_settings=_AccessLogSettings(self.access_logs),
            throttle=apigwv2.ThrottleSettings(rate_limit=THROTTLE_RATE_PER_S, burst_limit=THROTTLE_BURST),
        )

    def add_authorizer(self, defaults: FunctionDefaults) -> authorizers.HttpLambdaAuthorizer:
        """The Lambda authorizer every protected route uses (once the function defaults exist)."""
        self.authorizer_function = PorchlightFunction(
            self,
            "AuthorizerFunction",
            defaults=defaults,
            module=AUTHORIZER_HANDLER,
            description="HTTP API Lambda authorizer: verifies the access token and its session",
            grants=AUTHORIZER_GRANTS,
            memory_mb=512,
            timeout=Duration.seconds(AUTHORIZER_TIMEOUT_S),
        )
        # Bound to the API on the first route that uses it; the HttpAuthorizer resource and its
        # invoke permission are created under the API (this stack), not in a domain's nested stack.
        self.authorizer = authorizers.HttpLambdaAuthorizer(
            "TokenAuthorizer",
            self.authorizer_function.function,
            response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
            identity_source=["$request.header.Authorization"],
            results_cache_ttl=Duration.seconds(AUTHORIZER_CACHE_TTL_S),
        )
        return self.authorizer

    def add_default_route(self, defaults: FunctionDefaults) -> apigwv2.HttpRoute:
        """`$default`: a request no route matches gets the contract's 404 body from a function with no grants,
        instead of API Gateway's own `{"message": "Not Found"}`."""
        self.not_found_function = PorchlightFunction(
            self,
            "NotFoundFunction",
            defaults=defaults,
            module=NOT_FOUND_HANDLER,
            description="$default route: the contract's 404 body for any path or method no route matches",
            grants=(),
            memory_mb=128,
            timeout=Duration.seconds(3),
        )
        route = apigwv2.HttpRoute(
            self,
            "DefaultRoute",
            http_api=self.http_api,
            route_key=apigwv2.HttpRouteKey.DEFAULT,
            integration=integrations.HttpLambdaIntegration("NotFoundIntegration", self.not_found_function.function),
        )
        acknowledge(
            route,
            "AwsSolutions-APIG4",
            "$default only answers the contract's 404 for paths and methods no route matches; it reads no "
            "data and its function has no grants, so there is nothing to authorize (a 401 would hide that "
            "the path is wrong)",
        )
        return route

    @property
    def url(self) -> str:
        return self.stage.url

    @property
    def endpoint(self) -> str:
        """`https://{api id}.execute-api.{region}.{url suffix}`: the `$default` stage, no trailing slash."""
        return self.http_api.api_endpoint
