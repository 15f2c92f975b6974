"""The token-signing key: a generated Secrets Manager secret, rotated by our own scheduled job."""

from __future__ import annotations

from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.config import StageConfig
from infra.nag import acknowledge
from shared.spec.resources import ROTATE_SIGNING_KEY, SecretSpec


class SigningKey(Construct):
    """`{"kid": "initial", "secret": <64 random characters>}` until the first rotation."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: SecretSpec, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            spec.logical_id,
            description=spec.description,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template='{"kid":"initial"}',
                generate_string_key="secret",
                exclude_punctuation=True,
                password_length=64,
            ),
            removal_policy=config.removal_policy,
        )
        acknowledge(
            self.secret,
            "AwsSolutions-SMG4",
            f"Rotated by our own scheduled job {ROTATE_SIGNING_KEY.handler} ({ROTATE_SIGNING_KEY.schedule}), "
            "which keeps the previous key accepted for a day; Secrets Manager's rotation Lambda protocol "
            "(AWSPENDING/AWSCURRENT) cannot express a key that stays valid after rotation",
        )
