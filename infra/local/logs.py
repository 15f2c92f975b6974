"""Readable runtime logs: `time level component: message` on stderr.

The runtime's loggers live under `infra.local.*` (not `porchlight.*`: that name belongs to the
handlers' powertools Logger, whose JSON handler would otherwise also print our lines). The
servers' per-request lines (werkzeug, moto) are silenced: the gateway logs each request itself,
and so are powertools' two warnings that fire on every local invocation by design
(POWERTOOLS_DEV is on; metrics are disabled so there are none to publish).
"""

from __future__ import annotations

import logging
import sys
import warnings

ROOT = "infra.local"


class _ComponentFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.component = record.name.removeprefix(ROOT + ".")
        return super().format(record)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_ComponentFormatter("%(asctime)s %(levelname)-7s %(component)-10s %(message)s", "%H:%M:%S"))
    runtime = logging.getLogger(ROOT)
    runtime.handlers[:] = [handler]
    runtime.setLevel(level)
    runtime.propagate = False
    for noisy in ("werkzeug", "moto", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="POWERTOOLS_DEV environment variable is enabled")
    warnings.filterwarnings("ignore", message="No application metrics to publish")
