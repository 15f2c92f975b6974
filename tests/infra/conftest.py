"""Synthesize the app once per session (dev, and prod for the stage-specific checks) and share the templates.

The synth goes through `infra.assembly.synth`, the same code path as `app.py` and the CDK CLI, into a
temporary cloud assembly; the dependency layer is a placeholder directory passed as `layer_dir`
context, so the tests need neither network nor `make layer`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.infra.helpers import Synth


def _synth(outdir: Path, layer_dir: Path, **context: str) -> Synth:
    from infra.assembly import synth

    assembly = synth(outdir=str(outdir), context={"layer_dir": str(layer_dir), **context})
    (stack,) = assembly.stacks
    parent = json.loads(Path(stack.template_full_path).read_text())
    nested = {p.name: json.loads(p.read_text()) for p in sorted(outdir.glob("*.nested.template.json"))}
    return Synth(outdir=outdir, parent=parent, nested=nested)


@pytest.fixture(scope="session")
def layer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stands in for `layers/build`: the layer asset only needs a non-empty directory."""
    directory = tmp_path_factory.mktemp("layer")
    (directory / "python").mkdir()
    (directory / "python" / "PLACEHOLDER").write_text("dependency layer placeholder for infra tests\n")
    return directory


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory, layer_dir: Path) -> Synth:
    return _synth(tmp_path_factory.mktemp("cdk-dev"), layer_dir, stage="dev")


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory, layer_dir: Path) -> Synth:
    return _synth(
        tmp_path_factory.mktemp("cdk-prod"), layer_dir, stage="prod", spa_origin="https://app.porchlight.example"
    )
