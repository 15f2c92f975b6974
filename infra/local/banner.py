"""The start-up banner: every URL and credential a newcomer needs, ready to copy."""

from __future__ import annotations

import json
import shlex

from infra.local.config import REGION, SuperAdmin
from infra.local.seeding import DemoCommunity
from shared.demo import rentals as rental_demo


def login_command(api_url: str, demo: DemoCommunity) -> str:
    body = json.dumps({"community": demo.slug, "email": demo.admin_email, "password": demo.admin_password})
    return (f"curl -s -X POST {api_url}/v1/auth/login -H 'content-type: application/json' "
            f"-d {shlex.quote(body)}")


def totp_command(secret: str) -> str:
    """Today's code for a seeded account, from the project's own virtualenv."""
    return f".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\""


def magic_link_command(api_url: str, demo: DemoCommunity) -> str:
    body = json.dumps({"community": demo.slug, "email": demo.portal_email})
    return (f"curl -s -X POST {api_url}/v1/auth/magic-link -H 'content-type: application/json' "
            f"-d {shlex.quote(body)}")


def verify_command(api_url: str) -> str:
    return (f"curl -s -X POST {api_url}/v1/auth/mfa/verify -H 'content-type: application/json' "
            "-d '{\"mfa_token\": \"<mfa_token>\", \"code\": \"<code>\"}'")


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
            f"    TOTP secret    {demo.admin_totp_secret}   (add it to an authenticator app, or:)",
            f"    code           {totp_command(demo.admin_totp_secret)}",
            f"    1. sign in     {login_command(api_url, demo)}",
            f"    2. MFA         {verify_command(api_url)}",
            "",
        ]
        rentals = rental_demo.demo()
        rental_login = DemoCommunity(name=rentals.name, slug=rentals.slug, admin_email=rentals.admin_email,
                                     admin_password=rentals.admin_password)
        owner_login = DemoCommunity(name=rentals.name, slug=rentals.slug, admin_email=rentals.owner_email,
                                    admin_password=rentals.owner_password)
        tenant_portal = DemoCommunity(name=rentals.name, slug=rentals.slug, admin_email="", admin_password="",
                                      portal_email=rentals.portal_tenant_email)
        lines += [
            f"  Rental community {rentals.name}  (slug {rentals.slug}): 2 properties, 10 units, rent ledgers",
            f"    admin          {rentals.admin_email} / {rentals.admin_password}",
            f"    TOTP secret    {rentals.admin_totp_secret}",
            f"    code           {totp_command(rentals.admin_totp_secret)}",
            f"    sign in        {login_command(api_url, rental_login)}   (then MFA as above)",
            f"    property owner {rentals.owner_email} / {rentals.owner_password}   (read-only, Riverside Towers)",
            f"    sign in        {login_command(api_url, owner_login)}",
            f"    rent job now   curl -s -X POST {api_url}/_dev/jobs/ChargeRent",
            f"    tenant portal  {rentals.portal_tenant_email} (in arrears, magic link + code):",
            f"                   {magic_link_command(api_url, tenant_portal)}",
            f"                   then {api_url}/_dev/portal: /v1/me lists her tenancy, GET /v1/tenancies/{{id}}/ledger",
            "",
        ]
    if demo is not None and demo.portal_email:
        lines += [
            f"  Resident portal  tenant {demo.portal_email}  (magic link + code, no password)",
            f"    1. ask         {magic_link_command(api_url, demo)}",
            f"    2. open        the link in the newest mail of {api_url}/_dev/mailbox: {api_url}/_dev/portal",
            "                   shows its token and code and signs in with either",
            "",
        ]
    if super_admin is not None:
        lines += [
            f"  Super admin      {super_admin.email} / {super_admin.password}",
            f"    TOTP secret    {super_admin.totp_secret}   (MFA is mandatory: login, then /v1/auth/mfa/verify)",
            f"    code           {totp_command(super_admin.totp_secret)}",
            "",
        ]
    return "\n".join(lines)
