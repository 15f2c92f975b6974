"""Demo data on start: the super admin and a demo community, through `shared.identity.seed`.

The seed functions are the identity domain's own (idempotent) code; the runtime only calls
them once the resources exist, under the invocation lock like any handler code.
"""

from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import asdict, dataclass
from typing import Any

from infra.local.config import SuperAdmin

log = logging.getLogger("infra.local.seed")

SEED_MODULE = "shared.identity.seed"


class SeedUnavailable(RuntimeError):
    """`shared/identity/seed.py` (or one of its two functions) is missing."""


@dataclass(frozen=True)
class DemoCommunity:
    name: str
    slug: str
    admin_email: str
    admin_password: str

    @classmethod
    def of(cls, seeded: Any) -> DemoCommunity:
        return cls(name=str(seeded.name), slug=str(seeded.slug), admin_email=str(seeded.admin_email),
                   admin_password=str(seeded.admin_password))

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _seed_module() -> Any:
    try:
        module = importlib.import_module(SEED_MODULE)
    except ModuleNotFoundError as error:
        if error.name and SEED_MODULE.startswith(error.name):
            raise SeedUnavailable(
                f"{SEED_MODULE} is missing: the local runtime seeds through its seed_super_admin(email, password, "
                "totp_secret) and seed_demo_community() (run with --no-seed to start without demo data)"
            ) from error
        raise
    missing = [name for name in ("seed_super_admin", "seed_demo_community")
               if not callable(getattr(module, name, None))]
    if missing:
        raise SeedUnavailable(f"{SEED_MODULE} has no {' or '.join(missing)}")
    return module


def seed(super_admin: SuperAdmin, lock: threading.Lock) -> DemoCommunity:
    """Create (or find) the super admin and the demo community; the demo community's sign-in."""
    module = _seed_module()
    with lock:
        module.seed_super_admin(super_admin.email, super_admin.password, super_admin.totp_secret)
        demo = DemoCommunity.of(module.seed_demo_community())
    log.info("seeded super admin %s and demo community %s", super_admin.email, demo.slug)
    return demo
