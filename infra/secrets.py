"""Key material: the token-signing secret (rotated by our own job) and the KMS key for MFA secrets."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.config import StageConfig
from infra.nag import acknowledge
from shared.spec.resources import ROTATE_SIGNING_KEY, KeySpec, SecretSpec


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


class MfaKey(Construct):
    """A symmetric KMS key with yearly rotation; TOTP secrets never exist unencrypted in the table."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: KeySpec, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            spec.logical_id,
            description=spec.description,
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
