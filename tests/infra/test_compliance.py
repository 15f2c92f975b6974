"""cdk-nag (AwsSolutions) and cfn-lint on the synthesized templates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import Stack
from aws_cdk import aws_sqs as sqs

from infra.assembly import VALIDATION_REPORT, build_app
from infra.code import stage_code
from tests.infra.helpers import Synth

pytestmark = pytest.mark.infra

CFN_LINT = Path(sys.executable).with_name("cfn-lint")


def test_no_unacknowledged_cdk_nag_findings(dev: Synth, prod: Synth) -> None:
    """Synth would have raised on a finding; the report CDK writes for validation plugins is clean too."""
    for synth in (dev, prod):
        report = json.loads((synth.outdir / VALIDATION_REPORT).read_text())
        assert [r for r in report["pluginReports"] if r.get("violations")] == [], json.dumps(report, indent=1)[:4000]


def test_a_finding_fails_synth(tmp_path: Path, layer_dir: Path) -> None:
    """Guards the test above: cdk-nag is wired in, and an unacknowledged finding stops synthesis."""
    app = build_app(
        code_dir=stage_code(tmp_path / "code"),
        outdir=str(tmp_path / "out"),
        context={"layer_dir": str(layer_dir)},
    )
    (stack,) = [c for c in app.node.children if isinstance(c, Stack)]
    sqs.Queue(stack, "PlainQueue")  # no DLQ, no TLS enforcement
    with pytest.raises(Exception, match="AwsSolutions-SQS3"):
        app.synth()
    report = json.loads((tmp_path / "out" / VALIDATION_REPORT).read_text())
    (nag,) = [r for r in report["pluginReports"] if r["pluginName"] == "AwsSolutions"]
    assert {v["ruleName"] for v in nag["violations"]} == {"AwsSolutions-SQS3", "AwsSolutions-SQS4"}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cfn_lint_passes_on_every_template(stage: str, request: pytest.FixtureRequest) -> None:
    synth: Synth = request.getfixturevalue(stage)
    templates = sorted(str(p) for p in synth.outdir.glob("*.template.json"))
    assert len(templates) == 1 + len(synth.nested)
    result = subprocess.run([str(CFN_LINT), *templates], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
