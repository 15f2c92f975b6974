"""The dependency layer: what layers/build.py installs, and how synth treats a missing layer."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack

from infra.config import ROOT
from infra.function import RUNTIME
from infra.layer import DependencyLayer, LayerNotBuiltError


def _load_build_script() -> Any:
    """layers/build.py by path: `layers.build` also names the output directory layers/build/."""
    spec = importlib.util.spec_from_file_location("layers_build_script", ROOT / "layers" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build_script()

pytestmark = pytest.mark.infra

PYPROJECT = """
[project]
name = "x"
dependencies = [
    "aws-lambda-powertools[tracer]==3.37.0",
    "boto3==1.43.11",
    "Botocore>=1.0",
    "pydantic==2.14.3",
    "python-ulid==4.1.0",
]
"""


def test_reads_dependencies_in_order() -> None:
    assert build.read_dependencies(PYPROJECT)[:2] == ["aws-lambda-powertools[tracer]==3.37.0", "boto3==1.43.11"]


def test_missing_dependencies_are_an_error() -> None:
    with pytest.raises(ValueError, match=r"\[project\].dependencies"):
        build.read_dependencies("[project]\nname = 'x'\n")


def test_drops_what_the_runtime_ships() -> None:
    assert build.layer_dependencies(build.read_dependencies(PYPROJECT)) == [
        "aws-lambda-powertools[tracer]==3.37.0",
        "pydantic==2.14.3",
        "python-ulid==4.1.0",
    ]


def test_canonical_names() -> None:
    assert build.canonical_name("aws-lambda-powertools[tracer]==3.37.0") == "aws-lambda-powertools"
    assert build.canonical_name("Python_ULID >= 4") == "python-ulid"
    with pytest.raises(ValueError):
        build.canonical_name("==1.0")


def test_pip_command_fetches_lambda_wheels_only(tmp_path: Path) -> None:
    command = build.pip_command(["pydantic==2.14.3"], tmp_path / "python", python="/py")
    assert command[:4] == ["/py", "-m", "pip", "install"]
    for flag, value in [("--platform", "manylinux2014_aarch64"), ("--implementation", "cp"),
                        ("--python-version", "3.13"), ("--target", str(tmp_path / "python"))]:
        assert command[command.index(flag) + 1] == value
    assert "--only-binary=:all:" in command and "--no-compile" in command
    assert command[-1] == "pydantic==2.14.3"
    with pytest.raises(ValueError):
        build.pip_command([], tmp_path)


def test_prunes_the_sdk_pulled_in_transitively(tmp_path: Path) -> None:
    for name in ("botocore", "botocore-1.44.5.dist-info", "s3transfer", "pydantic", "pydantic-2.14.3.dist-info"):
        (tmp_path / name).mkdir()
    (tmp_path / "six.py").write_text("")
    removed = build.prune_runtime_provided(tmp_path)
    assert sorted(p.name for p in removed) == ["botocore", "botocore-1.44.5.dist-info", "s3transfer"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pydantic", "pydantic-2.14.3.dist-info", "six.py"]


def test_project_dependencies_parse() -> None:
    deps = build.layer_dependencies(build.read_dependencies(build.DEFAULT_PYPROJECT.read_text()))
    assert deps and not any(build.canonical_name(d) in build.RUNTIME_PROVIDED for d in deps)


def test_runtime_matches_the_layer_python() -> None:
    assert RUNTIME.name == f"python{build.PYTHON_VERSION}"


def test_missing_layer_dir_fails_with_the_command_to_run(tmp_path: Path) -> None:
    stack = Stack(App(), "LayerCheck")
    with pytest.raises(LayerNotBuiltError, match="make layer"):
        DependencyLayer(stack, "Dependencies", layer_dir=tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(LayerNotBuiltError):
        DependencyLayer(stack, "Empty", layer_dir=tmp_path / "empty")


def test_app_reports_a_missing_layer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import app

    monkeypatch.delenv("CDK_OUTDIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert app.main(["-c", f"layer_dir={tmp_path / 'missing'}"]) == 1
    assert "make layer" in capsys.readouterr().err
