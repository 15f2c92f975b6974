"""Cold-start import cost of every function: each handler module imported in a fresh interpreter.

    .venv/bin/python bench/cold_start.py [--repeat 3]

Prints the median import time per handler (what a Lambda cold start pays before the handler runs,
minus the runtime's own start), slowest first, and the spread. The Lambda runtime ships boto3, so
its ~0.12 s is paid there too; X-Ray's SDK (~0.1 s) comes from the tracer.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared.spec.resources import AUTHORIZER_HANDLER, RESOURCES  # noqa: E402
from shared.spec.routes import ROUTES  # noqa: E402


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    answer = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    modules = sorted({r.handler for r in ROUTES} | {q.worker for q in RESOURCES.queues}
                     | {j.handler for j in RESOURCES.jobs} | {AUTHORIZER_HANDLER})
    results = {m: statistics.median(import_seconds(m) for _ in range(args.repeat)) for m in modules}
    for module, seconds in sorted(results.items(), key=lambda kv: -kv[1]):
        print(f"{seconds * 1000:8.0f} ms  {module}")
    values = sorted(results.values())
    print(f"functions: {len(values)}")
    print(f"median_ms: {statistics.median(values) * 1000:.0f}")
    print(f"max_ms: {values[-1] * 1000:.0f}")


if __name__ == "__main__":
    main()
