"""Synthesize the app once per session (dev, and prod for the stage-specific checks) and share the templates.

The synth goes through `infra.assembly.synth`, the same code path as `app.py` and the CDK CLI, into a
temporary cloud assembly; the dependency layer is a placeholder directory passed as `layer_dir`
context, so the tests need neither network nor `make layer`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

Template = dict[str, Any]


@dataclass
class Synth:
    """A synthesized cloud assembly: parent and nested templates as plain JSON."""

    outdir: Path
    parent: Template
    nested: dict[str, Template] = field(default_factory=dict)  # by file name

    @property
    def templates(self) -> dict[str, Template]:
        return {"parent": self.parent, **self.nested}

    def resources(self, type_: str) -> Iterator[tuple[Template, str, dict[str, Any]]]:
        """(template, logical id, resource) of every resource of a type, in any template."""
        for template in self.templates.values():
            for logical_id, resource in template["Resources"].items():
                if resource["Type"] == type_:
                    yield template, logical_id, resource

    def nested_by_description(self, description: str) -> Template:
        return next(t for t in self.nested.values() if t.get("Description") == description)


def _synth(outdir: Path, layer_dir: Path, **context: str) -> Synth:
    from infra.assembly import cdk_json_context, synth

    assembly = synth(outdir=str(outdir), context={**cdk_json_context(), "layer_dir": str(layer_dir), **context})
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
