"""CDK entry point: `cdk synth` / `cdk deploy` run this, and so can `python app.py` (offline).

    .venv/bin/python app.py                      # dev, into cdk.out
    .venv/bin/python app.py -c stage=prod -c spa_origin=https://app.example.org

Context: `stage` (dev|prod, default dev), `spa_origin` (CORS origin of the SPA), `portal_url` (the residents'
portal page magic links open, default `{spa_origin}/portal`), `layer_dir`
(prebuilt dependency layer, default layers/build: `make layer`), `version` (default: pyproject).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from infra.assembly import synth
from infra.config import ConfigError
from infra.layer import LayerNotBuiltError


def parse_context(argv: Sequence[str]) -> dict[str, Any]:
    """`-c key=value` pairs, as the CDK CLI takes them."""
    parser = argparse.ArgumentParser(description="Synthesize the Porchlight CDK app")
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    context: dict[str, Any] = {}
    for item in args.context:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"context must be KEY=VALUE, not {item!r}")
        context[key] = value
    return context


def main(argv: Sequence[str] | None = None) -> int:
    # The CLI sets CDK_OUTDIR and passes cdk.json + its -c values itself (CDK_CONTEXT_JSON, which wins
    # over ours); `-c` here is for running without the CLI, with or without CDK_OUTDIR.
    under_cli = "CDK_OUTDIR" in os.environ
    context = parse_context(sys.argv[1:] if argv is None else argv)
    try:
        assembly = synth(outdir=None if under_cli else "cdk.out", context=context)
    except (LayerNotBuiltError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except RuntimeError as error:  # jsii relays CDK errors as RuntimeError
        if "Validation failed" not in str(error):
            raise
        # CDK has printed the findings above; the same report is in the cloud assembly.
        print(f"error: cdk-nag findings: acknowledge or fix them (infra/nag.py). {error}", file=sys.stderr)
        return 1
    if not under_cli:
        print(f"synthesized {', '.join(s.stack_name for s in assembly.stacks)} into {assembly.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
