"""Links into the single-page app (mail carries them: verification, invitations, applications, notices)."""

from __future__ import annotations

from urllib.parse import urlencode

from shared.platform.settings import settings


def app_link(path: str, **query: str) -> str:
    return f"{settings().app_url.rstrip('/')}{path}?{urlencode(query)}"
