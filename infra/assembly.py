"""Build and synthesize the app: one code path for `app.py`, the CDK CLI and the infra tests."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import App, Validations, cx_api
from cdk_nag import AwsSolutionsChecks

from infra.code import stage_code
from infra.config import ROOT, StageConfig
from infra.stack import PorchlightStack

CDK_JSON = ROOT / "cdk.json"
# Written by CDK into the cloud assembly whenever a validation plugin (cdk-nag) is registered.
VALIDATION_REPORT = "validation-report.json"


def cdk_json_context(path: Path = CDK_JSON) -> dict[str, Any]:
    """cdk.json's context: the feature flags the constructs are written against, and defaults."""
    return dict(json.loads(path.read_text(encoding="utf-8")).get("context", {}))


def build_app(*, code_dir: Path, outdir: str | None = None, context: Mapping[str, Any] | None = None) -> App:
    """The app with its one stack and cdk-nag's AwsSolutions pack as a validation plugin.

    cdk.json's context is always the base: the CLI passes it too (and its `-c` values), and what the
    CLI passes wins over `App(context=...)`; without the CLI, `context` overrides cdk.json.

    CDK's built-in CloudFormation validation plugin is off: cfn-lint checks the same templates (run
    by `make synth` and the infra tests), and the built-in one more than doubled synth time
    (`python app.py`: ~9 s -> ~2.7 s with today's 10 routes; ~4.7 s instead of ~9 s at 80 routes).
    """
    app = App(
        outdir=outdir,
        context={**cdk_json_context(), **(context or {})},
        builtin_cloud_formation_validation=False,
    )
    config = StageConfig.from_context(app.node.try_get_context)
    PorchlightStack(app, config.stack_name, config=config, code_dir=code_dir)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app


def synth(*, outdir: str | None = None, context: Mapping[str, Any] | None = None) -> cx_api.CloudAssembly:
    """Synthesize offline; raises on any unacknowledged cdk-nag finding (see infra/nag.py).

    The code asset is staged into a temporary directory that only has to live until the assets are
    copied into the cloud assembly, which CDK does while the stack is being built.
    """
    with tempfile.TemporaryDirectory(prefix="porchlight-code-") as tmp:
        app = build_app(code_dir=stage_code(Path(tmp) / "code"), outdir=outdir, context=context)
        return app.synth()
