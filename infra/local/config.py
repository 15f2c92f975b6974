"""Options of one local runtime, and the local names of the resources in `shared.spec.resources`.

Everything a test or `make dev` may want to change is a field of `LocalConfig`, so `run()`
and `python -m infra.local` take the same knobs (CLI flags and environment variables map onto
it in `__main__`). Resource *names* are derived here from the specs' logical ids; the resources
themselves are created from the specs in `provision`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from shared.spec.resources import (
    AUTHORIZER_CACHE_TTL_S,
    DEFAULT_SPA_ORIGIN,
    RESOURCES,
    SERVICE,
    QueueSpec,
    Resources,
)
from shared.spec.routes import ROUTES, Route

STAGE = "local"
ACCOUNT_ID = "123456789012"  # moto's default account: what any fake credentials map to
REGION = "us-east-1"
API_ID = "local"  # requestContext.apiId and the execute-api ARNs
SES_DOMAIN = "porchlight.dev"  # verified sender domain for mail sent locally

DEFAULT_SUPER_ADMIN_EMAIL = "super@porchlight.dev"
DEFAULT_SUPER_ADMIN_PASSWORD = "porchlight-dev-super"
DEFAULT_SUPER_ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_ROOT = Path(__file__).resolve().parents[2]


def _kebab(logical_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", logical_id).lower()


def app_version() -> str:
    """The version in pyproject.toml, so /v1/health says what the checkout is."""
    try:
        with (_ROOT / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0.0.0"


@dataclass(frozen=True)
class LocalNames:
    """Physical names of the spec'd resources for one stage: `<service>-<stage>-<logical-id>`."""

    stage: str = STAGE

    def _name(self, logical_id: str) -> str:
        return f"{SERVICE}-{self.stage}-{_kebab(logical_id)}"

    def table(self, resources: Resources = RESOURCES) -> str:
        return self._name(resources.table.logical_id)

    def secret(self, resources: Resources = RESOURCES) -> str:
        return f"{SERVICE}-{self.stage}/{_kebab(resources.signing_key.logical_id)}"

    def bucket(self, resources: Resources = RESOURCES) -> str:
        return self._name(resources.bucket.logical_id)

    def key_alias(self, resources: Resources = RESOURCES) -> str:
        return f"alias/{self._name(resources.mfa_key.logical_id)}"

    def queue(self, spec: QueueSpec) -> str:
        return self._name(spec.logical_id) + (".fifo" if spec.fifo else "")

    def dead_letter_queue(self, spec: QueueSpec) -> str:
        return self._name(spec.logical_id) + "-dlq" + (".fifo" if spec.fifo else "")

    def schedule_group(self, resources: Resources = RESOURCES) -> str:
        assert resources.scheduler_group is not None
        return self._name(resources.scheduler_group.logical_id)

    def scheduler_role_arn(self) -> str:
        return f"arn:aws:iam::{ACCOUNT_ID}:role/{SERVICE}-{self.stage}-scheduler"

    def rule_arn(self, logical_id: str) -> str:
        return f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{self._name(logical_id)}"


@dataclass(frozen=True)
class SuperAdmin:
    email: str = DEFAULT_SUPER_ADMIN_EMAIL
    password: str = DEFAULT_SUPER_ADMIN_PASSWORD
    totp_secret: str = DEFAULT_SUPER_ADMIN_TOTP_SECRET

    @classmethod
    def from_env(cls) -> SuperAdmin:
        return cls(
            email=os.environ.get("DEV_SUPER_ADMIN_EMAIL", DEFAULT_SUPER_ADMIN_EMAIL),
            password=os.environ.get("DEV_SUPER_ADMIN_PASSWORD", DEFAULT_SUPER_ADMIN_PASSWORD),
            totp_secret=os.environ.get("DEV_SUPER_ADMIN_TOTP_SECRET", DEFAULT_SUPER_ADMIN_TOTP_SECRET),
        )


def _spa_origins() -> tuple[str, ...]:
    raw = os.environ.get("SPA_ORIGIN", DEFAULT_SPA_ORIGIN)
    return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


@dataclass(frozen=True)
class LocalConfig:
    """Knobs of one runtime. Port 0 means "any free port" (the real ones end up in `Runtime`)."""

    host: str = "127.0.0.1"
    port: int = 8000
    aws_port: int = 4566
    spa_origins: tuple[str, ...] = (DEFAULT_SPA_ORIGIN,)
    # API Gateway caches authorizer results per Authorization header; 0 disables (tests).
    authorizer_cache_ttl_s: float = AUTHORIZER_CACHE_TTL_S
    # SQS long-poll wait: bounded so a stop request is honoured within this many seconds.
    queue_wait_s: int = 1
    # How often the one-time (`at()`) schedules are looked at, and the rule clock ticks.
    schedule_poll_s: float = 1.0
    # Multiplies queue visibility timeouts (never below 1 s) so tests see redelivery quickly.
    timeout_scale: float = 1.0
    # Fail an invocation that ran longer than its function's timeout, as Lambda would.
    enforce_timeouts: bool = True
    seed: bool = True
    # SES_MAX_SEND_RATE of the handlers, which the embedded SES also enforces (answering `Throttling`
    # above it): high by default so a demo never waits; `make bench-lanes` runs at 20/s.
    ses_max_send_rate: float = 500.0
    # "lanes" (priority and bulk outbox lanes, fair bulk queue) or "single": the design before lanes,
    # everything on one queue served oldest first (shared.messaging.outbox), for comparison.
    outbox_routing: str = "lanes"
    # Publish SES's events (Send, Delivery, Bounce, ...) for each mail (ses_simulator). `make bench-lanes`
    # turns it off: it measures sending, and on two shared cores the events' processing would take the CPU.
    ses_events: bool = True
    super_admin: SuperAdmin = field(default_factory=SuperAdmin)
    log_level: str = "INFO"
    ready_file: Path | None = None  # JSON with URLs and seed data, written once ready
    # Where the data survives a restart (`make dev`: .dev-state/); None keeps it in memory only (tests).
    state_dir: Path | None = None
    state_save_s: float = 30.0  # how often the state is saved while running (and once at shutdown)
    names: LocalNames = field(default_factory=LocalNames)
    resources: Resources = RESOURCES
    routes: tuple[Route, ...] = ROUTES

    @classmethod
    def from_env(cls) -> LocalConfig:
        """Defaults, overridden by PORT, AWS_PORT, SPA_ORIGIN, DEV_STATE_DIR and the DEV_SUPER_ADMIN_* variables."""
        return cls(
            port=int(os.environ.get("PORT", "8000")),
            aws_port=int(os.environ.get("AWS_PORT", "4566")),
            spa_origins=_spa_origins(),
            super_admin=SuperAdmin.from_env(),
            log_level=os.environ.get("LOG_LEVEL", "INFO").upper(),
            state_dir=Path(os.environ["DEV_STATE_DIR"]) if os.environ.get("DEV_STATE_DIR") else None,
        )

    def visibility_timeout(self, spec: QueueSpec) -> int:
        return max(1, round(spec.visibility_timeout_s * self.timeout_scale))
