"""End-to-end fixtures: the whole local runtime, started once per test session, driven over HTTP.

The runtime runs as a subprocess (`python -m infra.local`) on free ports, not in this process:
it sets AWS_ENDPOINT_URL and the handlers' environment process-wide and shares moto's global
backends with whoever imports moto, so in-process it would leak into (and be reset by) the
integration tests' `mock_aws` running in the same pytest worker. A subprocess has its own
environment and its own moto state, and also runs next to a `make dev` on 8000/4566.
It starts with the authorizer cache off, fast polling and 1-second queue visibility timeouts,
and writes a ready file (URLs, seed data) once `/v1/health` can answer.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import boto3
import pyotp
import pytest
import requests

from tests.support.identity import make_ready

ROOT = Path(__file__).resolve().parents[2]
# Provisioning plus the seeds (HOA demo, rental demo with its ledgers) on a busy 2-core CI box: give it room.
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Demo:
    name: str
    slug: str
    admin_email: str
    admin_password: str
    admin_totp_secret: str
    portal_email: str = ""  # the demo tenant who signs in by magic link (issue 12)


@dataclass
class LocalRuntime:
    """A running local runtime: its URLs, seed data, resource names and log."""

    api_url: str
    aws_url: str
    demo: Demo
    super_admin: dict[str, str]
    resources: dict[str, Any]
    log_path: Path
    startup_s: float
    _clients: dict[str, Any] = field(default_factory=dict)

    def aws(self, service: str) -> Any:
        """A boto3 client for the runtime's embedded AWS."""
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service, endpoint_url=self.aws_url, region_name="us-east-1",
                aws_access_key_id="testing", aws_secret_access_key="testing",
            )
        return self._clients[service]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Api:
    """A small HTTP client for the runtime's API: `api.get("/v1/me", token=...)`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def request(self, method: str, path: str, *, json: Any = None, token: str | None = None,
                headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        return self.session.request(method, self.base_url + path, json=json, headers=all_headers, timeout=30,
                                    **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("OPTIONS", path, **kwargs)


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until_ready(process: subprocess.Popen[bytes], ready_file: Path, log_path: Path) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local runtime exited with {process.returncode}:\n{_tail(log_path)}")
        if ready_file.exists():
            described: dict[str, Any] = json.loads(ready_file.read_text())
            health = requests.get(described["api_url"] + "/v1/health", timeout=5)
            if health.status_code == 200:
                return described
        time.sleep(0.05)
    raise RuntimeError(f"the local runtime was not ready in {STARTUP_TIMEOUT_S:.0f} s:\n{_tail(log_path)}")


def _stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
            raise
    return process.returncode


def start_runtime(workdir: Path, *extra_args: str) -> tuple[subprocess.Popen[bytes], LocalRuntime]:
    """`python -m infra.local` on free ports with the e2e timings (plus `extra_args`), once ready;
    stop it with `stop_runtime`."""
    ready_file, log_path = workdir / "ready.json", workdir / "runtime.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "DEV_STATE_DIR"}
    # Every e2e test signs up from 127.0.0.1: scale the per-IP limits (tests/integration proves them).
    env.update(PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1", RATE_LIMIT_MULTIPLIER="50")
    command = [
        sys.executable, "-m", "infra.local",
        "--port", "0", "--aws-port", "0",
        "--authorizer-cache-ttl", "0",
        "--queue-wait", "1",
        "--schedule-poll", "0.2",
        "--timeout-scale", "0.01",
        "--ready-file", str(ready_file),
        *extra_args,
    ]
    started = time.monotonic()
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        described = _wait_until_ready(process, ready_file, log_path)
    except BaseException:
        _stop(process)
        raise
    return process, LocalRuntime(
        api_url=described["api_url"], aws_url=described["aws_url"], demo=Demo(**described["demo"]),
        super_admin=described["super_admin"], resources=described["resources"], log_path=log_path,
        startup_s=time.monotonic() - started,
    )


def stop_runtime(process: subprocess.Popen[bytes], runtime: LocalRuntime) -> None:
    exit_code = _stop(process)
    assert exit_code == 0, f"the local runtime exited with {exit_code}:\n{_tail(runtime.log_path)}"


@pytest.fixture(scope="session")
def local_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    process, runtime = start_runtime(tmp_path_factory.mktemp("local-runtime"))
    yield runtime
    stop_runtime(process, runtime)


@pytest.fixture
def api(local_runtime: LocalRuntime) -> Api:
    return Api(local_runtime.api_url)


def wait_for(check: Callable[[], Any], timeout_s: float = 15.0) -> Any:
    """Poll `check` until it returns something truthy (background work finishing); that value."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def mailbox_token(api: Api, to: str, kind_path: str, timeout_s: float = 15.0) -> str:
    """The token of the newest mail to `to` whose link goes to `kind_path` (e.g. /verify-email)."""
    pattern = re.compile(re.escape(kind_path) + r"\?token=([A-Za-z0-9_.\-%]+)")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for mail in reversed(api.get("/_dev/mailbox").json()["items"]):
            found = pattern.search(mail["text"] or "")
            if mail["to"] and to in mail["to"] and found:
                return unquote(found.group(1))
        time.sleep(0.2)
    raise AssertionError(f"no {kind_path} mail to {to} in the mailbox")


def signup_ready(api: Api, name: str | None = None, email: str | None = None) -> dict[str, Any]:
    """Sign up over HTTP and do what the SPA walks a new admin through: enroll TOTP (their role
    requires it), verify the email from the mailbox, refresh to a full token."""
    email = email or f"{uuid.uuid4().hex[:8]}@example.com"
    answer = api.post("/v1/auth/signup", json={"community_name": name or f"E2E {uuid.uuid4().hex[:6]}",
                                               "email": email, "password": "correct horse battery",
                                               "full_name": "E2E Admin"})
    assert answer.status_code == 201, answer.text

    def send(method: str, path: str, token: str | None, body: Any) -> tuple[int, Any]:
        response = api.request(method, path, token=token, json=body)
        return response.status_code, response.json() if response.content else None

    def verify(body: dict[str, Any]) -> None:
        token = mailbox_token(api, email, "/verify-email")
        verified = api.post("/v1/auth/verify-email", json={"token": token})
        assert verified.status_code == 200, verified.text

    return make_ready(send, answer.json(), verify) | {"email": email}


_TOTP_STEP_USED: dict[str, int] = {}  # per secret, the last 30 s step whose code this process sent


def fresh_totp(secret: str) -> str:
    """A TOTP code not yet sent in this process: a code is accepted once, and several tests sign in as the
    same seeded account against one runtime, so a second sign-in in the same 30 s step waits for the next."""
    while int(time.time() // 30) <= _TOTP_STEP_USED.get(secret, -1):
        time.sleep(0.5)
    now = time.time()
    _TOTP_STEP_USED[secret] = int(now // 30)
    return str(pyotp.TOTP(secret).at(now))


def sign_in(api: Api, *, community: str | None, email: str, password: str, totp_secret: str) -> dict[str, Any]:
    """Both login steps, as the SPA does them."""
    body: dict[str, Any] = {"email": email, "password": password}
    if community is not None:
        body["community"] = community
    first = api.post("/v1/auth/login", json=body)
    assert first.status_code == 200 and first.json().get("mfa_required") is True, first.text
    second = api.post("/v1/auth/mfa/verify", json={"mfa_token": first.json()["mfa_token"],
                                                   "code": fresh_totp(totp_secret)})
    assert second.status_code == 200, second.text
    return second.json()
