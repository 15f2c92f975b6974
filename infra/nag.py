"""cdk-nag acknowledgments, in one form: every exception to AwsSolutions is named, scoped and explained.

cdk-nag 3 runs as a CDK policy-validation plugin (`Validations.of(app).add_plugins(...)`), and an
acknowledgment is CDK's own `Validations.of(construct).acknowledge(...)` metadata: it applies to the
construct and everything under it, and to exactly one finding id (`AwsSolutions-IAM5[Resource::*]`
is a different finding from `AwsSolutions-IAM5[Action::s3:*]`). Unacknowledged findings fail synth
and are listed in `validation-report.json` in the cloud assembly.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one AwsSolutions finding on `scope` (and its children) for a stated reason."""
    if len(reason) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason, not {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
