"""Endpoints only the local server has: Swagger UI, the dev mailbox and SMS log, jobs on demand.

`GET /docs` (Swagger UI on /v1/openapi.json, its files from a pip package), `GET|DELETE /_dev/mailbox`,
`GET|DELETE /_dev/sms`, `POST /_dev/jobs/<job logical id>` (run a scheduled job now) and `GET /_dev/portal`
(where magic links point locally: it shows the link's token and the code mailed with it, and signs in
with either). They answer before the route table is consulted and never reach a handler or the
authorizer; anything else (`/_dev/nope`) goes on to the route table and so to the `$default` route's 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from infra.local.apigw_responses import HttpResponse
from infra.local.mailbox import Mailbox

# Swagger UI from the `swagger-ui-bundle` package (a dev dependency): served by this server, no CDN,
# so `/docs` works offline. Only the two files the page loads are served.
DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Porchlight API (local)</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/v1/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true});
  </script>
</body>
</html>
"""
DOCS_ASSETS = {
    "/docs/swagger-ui.css": "text/css; charset=utf-8",
    "/docs/swagger-ui-bundle.js": "application/javascript; charset=utf-8",
}


@lru_cache(maxsize=len(DOCS_ASSETS))
def _docs_asset(name: str) -> bytes:
    from swagger_ui_bundle import swagger_ui_path  # a dev dependency: imported only when /docs is used

    return (swagger_ui_path / name).read_bytes()


# The local stand-in for the residents' portal (`portal_url`): magic links open it with `?token=`. It
# shows the token, finds the code mailed with it in the dev mailbox, and can complete either sign-in.
PORTAL_HTML = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Porchlight resident portal (local)</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
code,pre{background:#f3f3f3;padding:.15rem .3rem;word-break:break-all;white-space:pre-wrap}</style></head>
<body>
  <h1>Resident portal (local stand-in)</h1>
  <p>Magic links point here under <code>make dev</code>. Token: <code id="token">(none in the URL)</code></p>
  <p>Code mailed with it: <code id="code">(looking in the dev mailbox…)</code></p>
  <p><button id="by-token">Sign in with the token</button> <button id="by-code">Sign in with the code</button></p>
  <pre id="answer"></pre>
  <script>
    const token = new URLSearchParams(location.search).get("token") || "";
    let mail = null;
    document.getElementById("token").textContent = token || "(none in the URL)";
    fetch("/_dev/mailbox").then(r => r.json()).then(box => {
      mail = box.items.slice().reverse().find(m => (m.text || "").includes(encodeURIComponent(token)) ||
                                                  (m.text || "").includes(token));
      const found = mail && /code where you asked for it: (\\d{6})/.exec(mail.text);
      if (found) { mail.code = found[1]; mail.address = [].concat(mail.to)[0]; }
      document.getElementById("code").textContent = found ? `${mail.code}  (to ${mail.address})` : "(not found)";
    });
    async function verify(body) {
      const answer = await fetch("/v1/auth/magic-link/verify", {method: "POST",
        headers: {"content-type": "application/json"}, body: JSON.stringify(body)});
      const text = JSON.stringify(await answer.json(), null, 2);
      document.getElementById("answer").textContent = answer.status + "\\n" + text;
    }
    document.getElementById("by-token").onclick = () => verify({token});
    document.getElementById("by-code").onclick = () => mail && mail.code && verify({
      community: ((/community: ([a-z0-9-]+)/.exec(mail.text) || [])[1]) || prompt("community slug"),
      email: mail.address, code: mail.code});
  </script>
</body>
</html>
"""

JobRunner = Callable[[str], Any]  # logical id -> result; KeyError if there is no such job


def _json(status: int, body: Any) -> HttpResponse:
    return HttpResponse(status, [("content-type", "application/json")], json.dumps(body, default=str).encode())


class DevEndpoints:
    def __init__(self, mailbox: Mailbox, run_job: JobRunner | None = None) -> None:
        self._mailbox = mailbox
        self._run_job = run_job

    @staticmethod
    def handles(path: str) -> bool:
        return path == "/docs" or path in DOCS_ASSETS or path.startswith("/_dev/")

    def answer(self, method: str, path: str) -> HttpResponse | None:
        """The dev endpoint's answer, or None when none answers `method path` (the gateway routes it on)."""
        if path == "/docs" and method == "GET":
            return HttpResponse(200, [("content-type", "text/html; charset=utf-8")], DOCS_HTML.encode())
        if path == "/_dev/portal" and method == "GET":
            return HttpResponse(200, [("content-type", "text/html; charset=utf-8")], PORTAL_HTML.encode())
        if path in DOCS_ASSETS and method == "GET":
            return HttpResponse(200, [("content-type", DOCS_ASSETS[path]),
                                      ("cache-control", "public, max-age=86400")], _docs_asset(path.rsplit("/", 1)[1]))
        if path == "/_dev/mailbox":
            if method == "GET":
                return _json(200, {"items": self._mailbox.mail()})
            if method == "DELETE":
                self._mailbox.clear_mail()
                return HttpResponse(204)
        if path == "/_dev/sms":
            if method == "GET":
                return _json(200, {"items": self._mailbox.sms()})
            if method == "DELETE":
                self._mailbox.clear_sms()
                return HttpResponse(204)
        if path.startswith("/_dev/jobs/") and method == "POST" and self._run_job is not None:
            job = path.removeprefix("/_dev/jobs/")
            try:
                result = self._run_job(job)
            except KeyError:
                return _json(404, {"message": f"no scheduled job {job!r}"})
            return _json(200, {"job": job, "result": result})
        return None
