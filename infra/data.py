"""The single DynamoDB table, from `shared.spec.resources.TABLE` (keys, GSIs, TTL attribute)."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra.config import StageConfig
from shared.spec.resources import TableSpec


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Data(Construct):
    """On-demand, point-in-time recovery, TTL; prod keeps the table and refuses deletion."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: TableSpec, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            spec.logical_id,
            partition_key=_string(spec.pk),
            sort_key=_string(spec.sk),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=spec.ttl_attribute,
            deletion_protection=config.is_prod,
            removal_policy=config.removal_policy,
        )
        for index in spec.indexes:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string(index.pk),
                sort_key=_string(index.sk),
                projection_type=dynamodb.ProjectionType.ALL,
            )
