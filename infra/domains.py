"""One nested stack per route `domain`: each route's function, role, permission, route and integration.

A route costs ~7 resources (function, role, policy, log group, invoke permission, route,
integration); at the contract's ~80 routes that alone passes CloudFormation's 500-resources-per-stack
limit. Grouping by domain keeps each template well under it and keeps a domain's routes together;
the API, authorizer, table, queues and bucket stay in the parent and reach the nested stacks as
parameters, which CDK wires up from the references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from aws_cdk import Duration, NestedStack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from constructs import Construct

from infra.function import FunctionDefaults, PorchlightFunction
from infra.nag import acknowledge
from shared.spec.routes import Route


def pascal(name: str) -> str:
    """`auth-sessions-revoke` -> `AuthSessionsRevoke`: construct ids (and so logical ids) from spec names."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def by_domain(routes: Iterable[Route]) -> dict[str, list[Route]]:
    """Routes grouped by domain, domains in order of first appearance (stable nested stack order)."""
    grouped: dict[str, list[Route]] = {}
    for route in routes:
        grouped.setdefault(route.domain, []).append(route)
    return grouped


class Endpoint(Construct):
    """One route of the table: its function and its HTTP API route."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        route: Route,
        http_api: apigwv2.IHttpApi,
        authorizer: apigwv2.IHttpRouteAuthorizer,
        defaults: FunctionDefaults,
    ) -> None:
        super().__init__(scope, construct_id)
        self.route = route
        self.handler = PorchlightFunction(
            self,
            "Handler",
            defaults=defaults,
            module=route.handler,
            description=f"{route.route_key}: {route.summary}",
            grants=route.grants,
            memory_mb=route.memory_mb,
            timeout=Duration.seconds(route.timeout_s),
        )
        self.http_route = apigwv2.HttpRoute(
            self,
            "Route",
            http_api=http_api,
            route_key=apigwv2.HttpRouteKey.with_(route.path, apigwv2.HttpMethod(route.method)),
            integration=integrations.HttpLambdaIntegration("Integration", self.handler.function),
            authorizer=None if route.public else authorizer,
        )
        if route.public:
            acknowledge(
                self.http_route,
                "AwsSolutions-APIG4",
                f"{route.route_key} is public in the route table (shared.spec.routes, public=True): "
                f"{route.summary}. It is called before the caller has a token, so it has no authorizer",
            )


class DomainRoutes(NestedStack):
    """The routes of one domain, in a nested stack of their own."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain: str,
        routes: Sequence[Route],
        http_api: apigwv2.IHttpApi,
        authorizer: apigwv2.IHttpRouteAuthorizer,
        defaults: FunctionDefaults,
    ) -> None:
        super().__init__(scope, construct_id, description=f"Porchlight {domain} routes")
        self.domain = domain
        self.endpoints = [
            Endpoint(self, pascal(route.name), route=route, http_api=http_api, authorizer=authorizer, defaults=defaults)
            for route in routes
        ]
