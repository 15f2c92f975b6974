"""`run()` works in-process (blocking, stopped by an event) and leaves the process environment as it was.

It calls no handler: a handler module imported here, under the runtime's POWERTOOLS_DEV
environment, would keep that configuration for the other tests of this pytest worker.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
import requests

from infra.local import run

pytestmark = pytest.mark.integration


def test_run_in_process_serves_then_stops_and_restores_the_environment(tmp_path: Path) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "POWERTOOLS_", "TABLE_NAME"))}
    ready_file, stop = tmp_path / "ready.json", threading.Event()
    exit_codes: list[int] = []
    thread = threading.Thread(target=lambda: exit_codes.append(run(
        port=0, aws_port=0, seed=False, queue_wait_s=1, schedule_poll_s=0.2, ready_file=ready_file, stop=stop)))
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not ready_file.exists():
            assert time.monotonic() < deadline and thread.is_alive(), "the runtime did not start"
            time.sleep(0.05)
        described = json.loads(ready_file.read_text())
        assert os.environ["AWS_ENDPOINT_URL"] == described["aws_url"]
        assert os.environ["TABLE_NAME"] == described["resources"]["table"]
        assert requests.get(described["api_url"] + "/docs", timeout=5).status_code == 200
        assert requests.get(described["api_url"] + "/_dev/mailbox", timeout=5).json() == {"items": []}
        assert requests.get(described["api_url"] + "/nope", timeout=5).json()["error"]["code"] == "NOT_FOUND"
        bundle = requests.get(described["api_url"] + "/docs/swagger-ui-bundle.js", timeout=5)
        assert b"SwaggerUIBundle" in bundle.content
        assert described["demo"] is None  # seed=False
    finally:
        stop.set()
        thread.join(timeout=20)
    assert exit_codes == [0]
    assert not ready_file.exists()
    after = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "POWERTOOLS_", "TABLE_NAME"))}
    assert after == before
