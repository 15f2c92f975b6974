"""`python -m infra.local` (what `make dev` runs): the whole system on this machine.

Defaults come from the environment (PORT, AWS_PORT, SPA_ORIGIN, LOG_LEVEL, DEV_STATE_DIR, DEV_SUPER_ADMIN_*);
the flags below override them (tests start it with free ports and fast timings).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from infra.local import logs
from infra.local.config import LocalConfig
from infra.local.runtime import run


def parse_args(argv: list[str] | None = None) -> LocalConfig:
    defaults = LocalConfig.from_env()
    parser = argparse.ArgumentParser(
        prog="python -m infra.local", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--port", type=int, default=defaults.port, help="HTTP API port (0: any free port)")
    parser.add_argument("--aws-port", type=int, default=defaults.aws_port, help="embedded AWS port (0: any)")
    parser.add_argument(
        "--authorizer-cache-ttl",
        type=float,
        default=defaults.authorizer_cache_ttl_s,
        help="seconds an authorizer result is cached per Authorization header (0: off)",
    )
    parser.add_argument(
        "--queue-wait",
        type=int,
        default=defaults.queue_wait_s,
        help="SQS long-poll wait in seconds (bounds shutdown time)",
    )
    parser.add_argument(
        "--schedule-poll", type=float, default=defaults.schedule_poll_s, help="seconds between looks at the schedules"
    )
    parser.add_argument(
        "--timeout-scale",
        type=float,
        default=defaults.timeout_scale,
        help="multiplier for queue visibility timeouts (min 1 s)",
    )
    parser.add_argument("--no-timeouts", action="store_true", help="do not fail invocations that overrun")
    parser.add_argument("--no-seed", action="store_true", help="start without the demo data")
    parser.add_argument("--ready-file", type=Path, help="write URLs and seed data as JSON here once ready")
    parser.add_argument("--state-dir", type=Path, default=defaults.state_dir,
                        help="keep the data here across restarts (make dev: .dev-state); default: in memory only")
    parser.add_argument("--state-save-interval", type=float, default=defaults.state_save_s,
                        help="seconds between saves of the state (it is also saved at shutdown)")
    parser.add_argument("--log-level", default=defaults.log_level)
    args = parser.parse_args(argv)
    return replace(
        defaults,
        host=args.host,
        port=args.port,
        aws_port=args.aws_port,
        authorizer_cache_ttl_s=args.authorizer_cache_ttl,
        queue_wait_s=args.queue_wait,
        schedule_poll_s=args.schedule_poll,
        timeout_scale=args.timeout_scale,
        enforce_timeouts=not args.no_timeouts,
        seed=not args.no_seed,
        ready_file=args.ready_file,
        state_dir=args.state_dir,
        state_save_s=args.state_save_interval,
        log_level=args.log_level.upper(),
    )


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    logs.configure(config.log_level)
    try:
        return run(config)
    except OSError as error:
        logging.getLogger("infra.local.runtime").error("cannot start: %s", error)
        return 1


if __name__ == "__main__":
    sys.exit(main())
