"""Per-deployment settings, read once from CDK context so every construct agrees on them."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs

from shared.spec.resources import DEFAULT_SPA_ORIGIN

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("dev", "prod")
DEFAULT_LAYER_DIR = ROOT / "layers" / "build"


class ConfigError(ValueError):
    """A context value that would deploy something other than what was asked for."""


@dataclass(frozen=True)
class StageConfig:
    stage: str
    spa_origin: str
    version: str
    layer_dir: Path
    log_level: str = "INFO"
    mail_domain: str = "porchlight.dev"  # the SES-verified domain senders use
    portal_url: str = ""  # the residents' portal page magic links open (default: the SPA's /portal)

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def stack_name(self) -> str:
        return f"Porchlight-{self.stage}"

    @property
    def removal_policy(self) -> RemovalPolicy:
        """Stateful resources survive a prod stack deletion; dev tears down completely."""
        return RemovalPolicy.RETAIN if self.is_prod else RemovalPolicy.DESTROY

    @property
    def log_retention(self) -> logs.RetentionDays:
        return logs.RetentionDays.THREE_MONTHS if self.is_prod else logs.RetentionDays.TWO_WEEKS

    @classmethod
    def from_context(cls, lookup: Callable[[str], Any]) -> StageConfig:
        """Build from a context lookup: `app.node.try_get_context`."""
        stage = str(lookup("stage") or "dev")
        if stage not in STAGES:
            raise ConfigError(f"context 'stage' must be one of {', '.join(STAGES)}, not {stage!r}")
        spa_origin = str(lookup("spa_origin") or DEFAULT_SPA_ORIGIN).rstrip("/")
        if not spa_origin.startswith(("https://", "http://localhost", "http://127.0.0.1")):
            raise ConfigError(f"context 'spa_origin' must be an https origin (or localhost), not {spa_origin!r}")
        layer_dir = Path(str(lookup("layer_dir") or DEFAULT_LAYER_DIR))
        if not layer_dir.is_absolute():
            layer_dir = ROOT / layer_dir
        version = str(lookup("version") or project_version())
        mail_domain = str(lookup("mail_domain") or "porchlight.dev")
        portal_url = str(lookup("portal_url") or f"{spa_origin}/portal").rstrip("/")
        if not portal_url.startswith(("https://", "http://localhost", "http://127.0.0.1")):
            raise ConfigError(f"context 'portal_url' must be an https URL (or localhost), not {portal_url!r}")
        return cls(stage=stage, spa_origin=spa_origin, version=version, layer_dir=layer_dir, mail_domain=mail_domain,
                   portal_url=portal_url)


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The app version the functions report (`APP_VERSION`): pyproject's, unless context overrides it."""
    return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
