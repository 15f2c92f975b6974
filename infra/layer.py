"""The dependency layer: a prebuilt directory (`make layer`), never built during synth.

Synth stays offline and fast because the layer is built once by `layers/build.py` (pip, no
Docker). A missing directory fails synth here, with the command to run, instead of deploying an
empty layer and failing at the first import in Lambda.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.function import ARCHITECTURE, RUNTIME


class LayerNotBuiltError(FileNotFoundError):
    """The layer directory is missing or empty."""


def check_layer_dir(layer_dir: Path) -> Path:
    if not layer_dir.is_dir() or not any(layer_dir.iterdir()):
        raise LayerNotBuiltError(
            f"dependency layer not found at {layer_dir}: run `make layer` (python layers/build.py) first, "
            "or point the `layer_dir` context at a built layer directory"
        )
    return layer_dir


class DependencyLayer(Construct):
    """The pinned runtime dependencies (minus the AWS SDK) as one layer for every function."""

    def __init__(self, scope: Construct, construct_id: str, *, layer_dir: Path) -> None:
        super().__init__(scope, construct_id)
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            code=lambda_.Code.from_asset(str(check_layer_dir(layer_dir))),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Porchlight runtime dependencies (pyproject [project].dependencies, without boto3)",
        )
