"""The functions' code asset: `functions/` and `shared/` only, staged into a directory of their own.

Pointing the asset at the repository root with exclude patterns would make CDK walk (and hash) the
whole checkout, `.venv` included; copying the two packages is explicit and fast, and the asset hash
then depends on nothing else (tests, infra, docs and bytecode never change it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_lambda as lambda_
from constructs import IConstruct

from infra.config import ROOT

PACKAGES = ("functions", "shared")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".mypy_cache", ".pytest_cache", "tests")


def stage_code(dest: Path, root: Path = ROOT) -> Path:
    """Copy the runtime packages into `dest` (replaced); return it."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for package in PACKAGES:
        source = root / package
        if not (source / "__init__.py").is_file():
            raise FileNotFoundError(f"{source} is not a package: the code asset needs {', '.join(PACKAGES)}")
        shutil.copytree(source, dest / package, ignore=_IGNORE)
    return dest


class CodeAsset:
    """One `Code` per stack: CDK refuses to share an asset-backed `Code` between stacks."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._by_stack: dict[str, lambda_.Code] = {}

    def for_scope(self, scope: IConstruct) -> lambda_.Code:
        stack_path = Stack.of(scope).node.path
        if stack_path not in self._by_stack:
            self._by_stack[stack_path] = lambda_.Code.from_asset(str(self.directory))
        return self._by_stack[stack_path]
