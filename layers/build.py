"""Build the dependency layer for the functions, without Docker.

The runtime dependencies are `[project].dependencies` in pyproject.toml (one list, read here and by
pip locally). pip downloads the manylinux aarch64 CPython 3.13 wheels of exactly those pins into
`layers/build/python`, which Lambda mounts at /opt/python. The AWS SDK (boto3, botocore,
s3transfer) is left out: the Lambda runtime ships it, and it is the largest part of the tree.

    .venv/bin/python layers/build.py            # -> layers/build/python, prints the size

Only wheels are accepted (`--only-binary=:all:`), so nothing is compiled on the build machine and
the result does not depend on its OS or architecture.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PYPROJECT = ROOT / "pyproject.toml"
DEFAULT_OUT = ROOT / "layers" / "build"

# The layer targets the functions' runtime; infra/function.py asserts it uses the same version.
PYTHON_VERSION = "3.13"
PLATFORM = "manylinux2014_aarch64"
# Shipped by the Lambda Python runtime: never packaged, even when another dependency pulls it in.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
# Unzipped size limit of a function plus all its layers.
LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical_name(requirement: str) -> str:
    """PEP 503 name of a requirement string: `aws-lambda-powertools[tracer]==3.37.0` -> `aws-lambda-powertools`."""
    match = _NAME.match(requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return _normalize(match.group(1))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_dependencies(pyproject_text: str) -> list[str]:
    """`[project].dependencies` of a pyproject.toml document, in order."""
    data = tomllib.loads(pyproject_text)
    try:
        dependencies = data["project"]["dependencies"]
    except KeyError as missing:
        raise ValueError("pyproject.toml has no [project].dependencies") from missing
    return [str(dep) for dep in dependencies]


def layer_dependencies(requirements: Iterable[str]) -> list[str]:
    """The requirements to install in the layer: all but those the runtime already provides."""
    return [req for req in requirements if canonical_name(req) not in RUNTIME_PROVIDED]


def pip_command(requirements: Sequence[str], target: Path, python: str = sys.executable) -> list[str]:
    """The pip invocation that fetches Lambda-compatible wheels (no build, no bytecode for the host)."""
    if not requirements:
        raise ValueError("no dependencies to install")
    return [
        python, "-m", "pip", "install",
        "--platform", PLATFORM,
        "--implementation", "cp",
        "--python-version", PYTHON_VERSION,
        "--only-binary=:all:",
        "--no-compile",  # .pyc files for the host interpreter would be dead weight
        "--disable-pip-version-check",
        "--no-warn-conflicts",  # the check compares against the host venv (its boto3), not the layer
        "--target", str(target),
        *requirements,
    ]


def prune_runtime_provided(site: Path) -> list[Path]:
    """Remove packages the runtime ships that came in transitively (e.g. botocore via pynamodb)."""
    removed: list[Path] = []
    for entry in sorted(site.iterdir()):
        name = entry.name
        if entry.is_dir() and name.endswith(".dist-info"):
            name = name.removesuffix(".dist-info").rsplit("-", 1)[0]
        if entry.is_dir() and _normalize(name) in RUNTIME_PROVIDED:
            shutil.rmtree(entry)
            removed.append(entry)
    return removed


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def build(pyproject: Path, out: Path) -> int:
    """Rebuild `out` from scratch; return the unzipped size in bytes."""
    requirements = layer_dependencies(read_dependencies(pyproject.read_text(encoding="utf-8")))
    if out.exists():
        shutil.rmtree(out)
    site = out / "python"
    site.mkdir(parents=True)
    subprocess.run(pip_command(requirements, site), check=True)
    for path in prune_runtime_provided(site):
        print(f"pruned (runtime provides it): {path.name}")
    return tree_size(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pyproject", type=Path, default=DEFAULT_PYPROJECT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="layer directory (contains python/)")
    args = parser.parse_args(argv)
    size = build(args.pyproject, args.out)
    print(f"layer: {args.out} ({human_size(size)} unzipped)")
    if size > LAMBDA_UNZIPPED_LIMIT_BYTES:
        limit = human_size(LAMBDA_UNZIPPED_LIMIT_BYTES)
        print(f"error: the layer exceeds Lambda's {limit} unzipped limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
