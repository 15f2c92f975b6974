"""What the outbox reports upward (issue 16, part 5): messaging says which campaign may be done and never
closes one itself; no module of shared/messaging imports shared/campaigns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shared.messaging.delivery import Outcome
from shared.messaging.progress import ChunkReport, Settled

pytestmark = pytest.mark.unit

MESSAGING = Path(__file__).resolve().parents[2] / "shared" / "messaging"


@pytest.mark.parametrize(("report", "settled"), [
    (ChunkReport("c1", "k1", sent=98), Settled("c1", "k1")),
    (ChunkReport("c1", "k1", sent=90, deferred=8, retry_in_s=30), None),  # comes back: not done yet
    (ChunkReport("c1", None, sent=3), None),  # one-off messages belong to no campaign
    (ChunkReport("c1", "k1"), Settled("c1", "k1")),  # nothing was due (a redelivered chunk): still a check
])
def test_a_chunk_reports_its_campaign_only_when_nothing_is_left(report: ChunkReport, settled: Settled | None) -> None:
    assert report.settled() == settled
    assert report.final is (report.retry_in_s is None)


@pytest.mark.parametrize(("status", "campaign", "settled"), [
    ("sent", "k1", True), ("failed", "k1", True), ("suppressed", "k1", True),
    ("skipped", "k1", False), ("unknown", "k1", False), ("sent", None, False),
])
def test_a_single_outcome_settles_its_campaign_when_it_ended(status: str, campaign: str | None, settled: bool) -> None:
    outcome = Outcome(status, campaign_id=campaign, community_id="c1")
    assert (outcome.settled() is not None) is settled


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_messaging_never_imports_campaigns() -> None:
    upward = {str(p.name): sorted(m for m in _imports(p) if m.startswith("shared.campaigns"))
              for p in MESSAGING.glob("*.py")}
    assert {name: mods for name, mods in upward.items() if mods} == {}
