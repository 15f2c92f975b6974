"""The start-up banner: every URL and credential a newcomer needs, ready to copy."""

from __future__ import annotations

import json
import shlex

from infra.local.config import REGION, SuperAdmin
from infra.local.seeding import DemoCommunity


def login_command(api_url: str, demo: DemoCommunity) -> str:
    body = json.dumps({"community": demo.slug, "email": demo.admin_email, "password": demo.admin_password})
    return (f"curl -s -X POST {api_url}/v1/auth/login -H 'content-type: application/json' "
            f"-d {shlex.quote(body)}")


def render(
    *,
    api_url: str,
    aws_url: str,
    demo: DemoCommunity | None,
    super_admin: SuperAdmin | None,
    startup_s: float,
) -> str:
    lines = [
        "",
        f"  Porchlight is running locally (started in {startup_s:.1f} s). Ctrl-C stops it.",
        "",
        f"  API              {api_url}",
        f"  Swagger UI       {api_url}/docs",
        f"  OpenAPI          {api_url}/v1/openapi.json",
        f"  Mailbox          {api_url}/_dev/mailbox      (SMS: {api_url}/_dev/sms)",
        f"  Embedded AWS     {aws_url}      (AWS_ENDPOINT_URL={aws_url} AWS_REGION={REGION}, any keys)",
        "",
    ]
    if demo is not None:
        lines += [
            f"  Demo community   {demo.name}  (slug {demo.slug})",
            f"    admin          {demo.admin_email} / {demo.admin_password}",
            f"    sign in        {login_command(api_url, demo)}",
            "",
        ]
    if super_admin is not None:
        lines += [
            f"  Super admin      {super_admin.email} / {super_admin.password}",
            f"    TOTP secret    {super_admin.totp_secret}",
            "                   (not asked for yet: MFA sign-in arrives with identity MFA)",
            "",
        ]
    return "\n".join(lines)
