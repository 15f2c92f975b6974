"""Endpoints only the local server has: Swagger UI, the dev mailbox and SMS log, jobs on demand.

`GET /docs` (Swagger UI on /v1/openapi.json), `GET|DELETE /_dev/mailbox`, `GET|DELETE /_dev/sms`
and `POST /_dev/jobs/<job logical id>` (run a scheduled job now). They answer before the route
table is consulted and never reach a handler or the authorizer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from infra.local.apigw_responses import NOT_FOUND, HttpResponse, gateway_error
from infra.local.mailbox import Mailbox

DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Porchlight API (local)</title>
  <link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js" crossorigin></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/v1/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true});
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
        return path == "/docs" or path.startswith("/_dev/")

    def answer(self, method: str, path: str) -> HttpResponse:
        if path == "/docs" and method == "GET":
            return HttpResponse(200, [("content-type", "text/html; charset=utf-8")], DOCS_HTML.encode())
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
        return gateway_error(404, NOT_FOUND)
