"""Outbox lanes, fairness and the send rate, through the local runtime's real workers (`make bench-lanes`).

Each mode starts the local runtime in this process (its own stage, so its own table and queues) with
the embedded SES enforcing `--rate` sends per second (answering `Throttling` above it), then:

1. Setup (not measured): two communities signed up over HTTP (MFA, verified email), `--recipients`
   owners each (`residents.service.upsert_many`), a marketing template and a campaign each, and a
   transactional template in the first.
2. Both campaigns are sent at once (`POST /v1/campaigns/{id}/send`, one after the other), and while
   they run `--transactional` one-off `POST /v1/messages` are sent, evenly spread.
3. When every mail has been accepted, from the embedded SES's record (the accept time of each mail,
   its `X-Porchlight-*` headers):
   - `rate_efficiency`: mails accepted per second in the steady state ÷ the configured rate. The
     steady state is every moment work was waiting: from 1 s after the first campaign send (the ramp)
     until the last moment a chunk was still waiting on the bulk queue (sampled every 0.2 s), so the
     tail (the last chunks, already taken, finishing) is left out (`steady_state`);
     `rate_efficiency_whole` is the same from the first campaign send to the last mail, tail included;
   - `throttles`: sends the embedded SES refused (`Throttling`) during the run;
   - `transactional_p95_s`: POST → accepted, nearest-rank 95th percentile of the one-off mails;
   - `fairness_ratio`: the slower community's recipients sent by the time the faster one's last was
     sent, ÷ the faster one's;
   - exactly once: every campaign recipient got one mail, none got two.

Modes: `lanes` (this design) and `single` (`OUTBOX_ROUTING=single`: every message on one queue served
oldest first, the design before issue 16). Lines without a prefix are `lanes`; `single_*` are the old design.
Each mode runs in its own process, one after the other; its log goes to $TMPDIR/bench-lanes-<mode>.log
and the timestamps behind its figures to $TMPDIR/bench-lanes-<mode>.json. `load_1m` is the machine's
1-minute load average (start and end of the sends, averaged): the figures depend on the CPU left to us.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGETS = {"rate_efficiency": 0.95, "transactional_p95_s": 3.0, "fairness_ratio": 0.8}
RAMP_S = 1.0  # the steady state starts this long after the first campaign send
_SAMPLE_S = 0.2  # how often the bulk queue's backlog is looked at


@dataclass
class Result:
    mode: str
    figures: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # the timestamps behind the figures (saved beside the log)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _header(mail: dict[str, Any], name: str) -> str:
    for key, value in mail["headers"].items():
        if key.lower() == name:
            return str(value).strip()
    return ""


def _community(api: Any, name: str, email: str, recipients: int) -> dict[str, Any]:
    """A ready admin, `recipients` owners, a marketing template and a draft campaign to all owners."""
    from shared.residents import service
    from shared.residents.schemas import ResidentFields
    from tests.e2e.conftest import signup_ready

    admin = signup_ready(api, name=name, email=email)
    token, cid = admin["access_token"], admin["community"]["id"]
    rows = [ResidentFields(first_name=f"R{i}", last_name="Lane", email=f"r{i}.{cid[-6:].lower()}@example.com",
                           role="owner", balance="10") for i in range(recipients)]
    for start in range(0, len(rows), 500):
        assert all(r.ok for r in service.upsert_many(cid, rows[start:start + 500], source="import:bench"))
    template = api.post("/v1/templates", token=token, json={
        "name": "Dues", "channel": "email", "category": "marketing", "subject": "Dues for {{first_name}}",
        "html": "<p>Hi {{first_name}}, your balance is {{balance}}.</p>"})
    assert template.status_code == 201, template.text
    campaign = api.post("/v1/campaigns", token=token, json={
        "name": "Dues", "channel": "email", "template_id": template.json()["id"],
        "audience": {"filter": {"roles": ["owner"]}}})
    assert campaign.status_code == 201, campaign.text
    return {"token": token, "community_id": cid, "campaign_id": campaign.json()["id"]}


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def steady_state(campaign_sends: list[float], every: list[float], backlog_until: float,
                 rate: float) -> tuple[float, float]:
    """(rate_efficiency, the window's seconds): every mail accepted (campaign and one-off: they share the
    budget) from `RAMP_S` after the first campaign send until the last moment a chunk was still waiting on
    the bulk queue (`backlog_until`, or the last campaign send if that came first), per second, ÷ `rate`.

    Inside that window there was always work waiting, so rate left unused is the design's loss; outside it
    are the ramp (the first chunks being read and claimed) and the tail (the last chunks, taken, finishing)."""
    ordered = sorted(campaign_sends)
    low, high = ordered[0] + RAMP_S, min(backlog_until, ordered[-1])
    if high <= low:
        raise ValueError("no steady state: the campaign was over within its ramp")
    return sum(1 for t in every if low <= t <= high) / (high - low) / rate, high - low


def whole_run(campaign_sends: list[float], every: list[float], rate: float) -> float:
    """Achieved ÷ configured from the first campaign send to the last mail, ramp and tail included."""
    start = min(campaign_sends)
    counted = [t for t in every if t >= start]
    return len(counted) / max(1e-9, max(counted) - start) / rate


def fairness(by_community: dict[str, list[float]]) -> float:
    """The slower community's sends by the time the faster one's last was sent ÷ the faster one's sends."""
    finished = {cid: max(times) for cid, times in by_community.items() if times}
    fast = min(finished, key=lambda cid: finished[cid])
    slow = [times for cid, times in by_community.items() if cid != fast]
    sent_by_then = sum(1 for times in slow for t in times if t <= finished[fast])
    return sent_by_then / max(1, len(by_community[fast]))


def run(mode: str, recipients: int, transactional: int, rate: float, timeout_s: float) -> Result:
    from infra.local.config import LocalConfig, LocalNames
    from infra.local.runtime import start
    from tests.e2e.conftest import Api

    config = LocalConfig(port=0, aws_port=0, seed=False, ses_max_send_rate=rate, outbox_routing=mode,
                         log_level="WARNING", names=LocalNames(stage=f"bench-{mode}"), ses_events=False)
    runtime = start(config)
    result = Result(mode)
    try:
        api = Api(runtime.api_url)
        t0 = time.perf_counter()
        first = _community(api, f"Maple Court {mode}", f"maple-{mode}@example.com", recipients)
        second = _community(api, f"Birch Row {mode}", f"birch-{mode}@example.com", recipients)
        one_off = api.post("/v1/templates", token=first["token"], json={
            "name": "Reset", "channel": "email", "category": "transactional", "subject": "Your code",
            "html": "<p>Your code is {{code}}.</p>"})
        assert one_off.status_code == 201, one_off.text
        print(f"[{mode}] setup: 2 communities x {recipients} owners in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
        from moto.ses.models import ses_backends
        from moto.sqs.models import sqs_backends

        from infra.local.config import ACCOUNT_ID, REGION
        from shared.spec.resources import OUTBOX_QUEUE

        backend = ses_backends[ACCOUNT_ID][REGION]
        base = len(backend.sent_messages)
        throttled_before = runtime.send_limit.throttled
        posted: dict[str, float] = {}
        answered: list[float] = []  # the POSTs' own response times

        def post_one_offs() -> None:
            spacing = (2 * recipients / rate) / (transactional + 4)
            time.sleep(spacing)
            for i in range(transactional):
                at = time.time()
                answer = api.post("/v1/messages", token=first["token"], json={
                    "channel": "email", "template_id": one_off.json()["id"], "to": f"reset{i}@example.com",
                    "variables": {"code": f"{100000 + i}"}})
                assert answer.status_code == 202, answer.text
                posted[answer.json()["id"]] = at
                answered.append(time.time() - at)
                time.sleep(spacing)

        for community in (first, second):
            sent = api.post(f"/v1/campaigns/{community['campaign_id']}/send", token=community["token"], json={})
            assert sent.status_code == 202, sent.text
        started, cpu_started, load_started = time.time(), time.process_time(), os.getloadavg()[0]
        poster = threading.Thread(target=post_one_offs, name="one-offs")
        poster.start()
        bulk = sqs_backends[ACCOUNT_ID][REGION].get_queue(runtime.provisioned.queues[OUTBOX_QUEUE.logical_id].url
                                                           .rstrip("/").rsplit("/", 1)[-1])
        backlog_seen = time.time()  # the last moment a chunk was waiting on the bulk queue
        deadline = time.monotonic() + timeout_s
        while len(backend.sent_messages) - base < 2 * recipients + transactional and time.monotonic() < deadline:
            if bulk.messages:  # visible and not delayed: waiting for a worker
                backlog_seen = time.time()
            time.sleep(_SAMPLE_S)
        poster.join(timeout=60)
        result.raw["backlog_until"] = backlog_seen
        elapsed = time.time() - started
        result.figures["cpu_s"] = time.process_time() - cpu_started
        result.figures["load_1m"] = (load_started + os.getloadavg()[0]) / 2  # the machine's, not only ours
        result.figures["wall_s"] = elapsed
        result.figures["throttles"] = runtime.send_limit.throttled - throttled_before
        mail = [m for m in runtime.mailbox.mail() if _epoch(m["sent_at"]) >= started - 1]
    finally:
        runtime.stop()
    by_community: dict[str, list[float]] = {first["community_id"]: [], second["community_id"]: []}
    per_message: Counter[str] = Counter()
    accepted: dict[str, float] = {}
    every: list[float] = []
    for item in mail:
        message_id = _header(item, "x-porchlight-message")
        community_id = _header(item, "x-porchlight-community")
        at = _epoch(item["sent_at"])
        every.append(at)
        if message_id in posted:
            accepted[message_id] = at
        elif community_id in by_community and message_id.startswith((first["campaign_id"], second["campaign_id"])):
            by_community[community_id].append(at)
            per_message[message_id] += 1
    campaign_sends = sorted(t for times in by_community.values() for t in times)
    result.raw = {**result.raw, "started": started, "posted": posted, "accepted": accepted,
                  "sends": {cid: sorted((_epoch(m["sent_at"]), _header(m, "x-porchlight-message")) for m in mail
                                        if _header(m, "x-porchlight-community") == cid
                                        and _header(m, "x-porchlight-message") not in posted)
                            for cid in by_community}}
    if len(campaign_sends) < 2 * recipients or len(accepted) < transactional:
        result.notes.append(f"incomplete after {elapsed:.0f} s: {len(campaign_sends)} of {2 * recipients} campaign "
                            f"mails, {len(accepted)} of {transactional} one-offs")
    twice = sum(1 for c in per_message.values() if c > 1)
    result.notes.append(f"exactly once: {len(per_message)} recipients mailed, {twice} more than once")
    result.figures["rate_efficiency"], result.figures["steady_s"] = steady_state(campaign_sends, every, backlog_seen,
                                                                               rate)
    result.figures["rate_efficiency_whole"] = whole_run(campaign_sends, every, rate)
    latencies = [accepted[m] - posted[m] for m in accepted]
    result.figures["transactional_p95_s"] = _percentile(latencies, 0.95) if latencies else float("inf")
    result.figures["transactional_p50_s"] = _percentile(latencies, 0.5) if latencies else float("inf")
    result.figures["post_p95_s"] = _percentile(answered, 0.95) if answered else float("inf")
    result.figures["fairness_ratio"] = fairness(by_community)
    result.figures["campaign_s"] = max(campaign_sends) - min(campaign_sends)
    return result


def _one_mode(args: argparse.Namespace) -> None:
    """Run one mode in this process (a runtime per process: clients cached by libraries outlive it)."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("werkzeug", "infra.local"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    result = run(args.mode, args.recipients, args.transactional, args.rate, args.timeout)
    (Path(tempfile.gettempdir()) / f"bench-lanes-{args.mode}.json").write_text(json.dumps(result.raw))
    print(json.dumps({"mode": result.mode, "figures": result.figures, "notes": result.notes}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1000, help="per community (two communities)")
    parser.add_argument("--transactional", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="SES_MAX_SEND_RATE, enforced by the embedded SES")
    parser.add_argument("--modes", default="lanes,single")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for every mail, per mode")
    parser.add_argument("--mode", help=argparse.SUPPRESS)  # internal: run one mode, print JSON
    args = parser.parse_args()
    if args.mode:
        _one_mode(args)
        return
    wall = time.perf_counter()
    results: list[Result] = []
    for mode in args.modes.split(","):
        log = Path(tempfile.gettempdir()) / f"bench-lanes-{mode}.log"
        with log.open("w") as err:
            done = subprocess.run(
                [sys.executable, __file__, "--mode", mode, "--recipients", str(args.recipients),
                 "--transactional", str(args.transactional), "--rate", str(args.rate), "--timeout", str(args.timeout)],
                stdout=subprocess.PIPE, stderr=err, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"mode {mode} failed (exit {done.returncode}); its log: {log}")
        data = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(Result(data["mode"], data["figures"], data["notes"]))
        print(f"[{mode}] done in {time.perf_counter() - wall:.0f} s (log: {log})", file=sys.stderr)
    print(f"recipients: {2 * args.recipients} (2 communities, {args.transactional} one-off messages)")
    print(f"configured_rate: {args.rate:g}")
    for result in results:
        prefix = "" if result.mode == "lanes" else f"{result.mode}_"
        for name in ("rate_efficiency", "throttles", "transactional_p95_s", "fairness_ratio", "transactional_p50_s",
                     "post_p95_s", "rate_efficiency_whole", "steady_s", "campaign_s", "wall_s", "cpu_s", "load_1m"):
            value = result.figures[name]
            print(f"{prefix}{name}: {value:.0f}" if name == "throttles" else f"{prefix}{name}: {value:.3f}")
        for note in result.notes:
            print(f"# {result.mode}: {note}")
    lanes = next((r for r in results if r.mode == "lanes"), None)
    if lanes is not None:
        missed = [name for name, target in TARGETS.items()
                  if (lanes.figures[name] < target if name != "transactional_p95_s" else lanes.figures[name] > target)]
        if lanes.figures["throttles"]:
            missed.append("throttles")
        print(f"# targets: {'all met' if not missed else 'missed ' + ', '.join(missed)} "
              f"(wall {time.perf_counter() - wall:.0f} s)")


if __name__ == "__main__":
    main()
