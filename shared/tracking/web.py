"""The tracking routes' non-JSON answers: the pixel, the redirect and the unsubscribe pages.

These pages are opened from mail by people who are not signed in, often on a phone, so they are
small, self-contained HTML: no scripts, no external resources, a strict CSP, and
`Referrer-Policy: no-referrer` so the token in the URL never travels on.
"""

from __future__ import annotations

import base64
from html import escape

from aws_lambda_powertools.event_handler import Response

from shared.platform.channels import Channel
from shared.platform.errors import NotFound
from shared.tracking.service import UnsubscribeView

# The classic 43-byte transparent 1x1 GIF89a.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")

_NO_STORE = "no-store, max-age=0"
_HTML_HEADERS = {
    "Cache-Control": _NO_STORE,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_STYLE = ("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:3rem auto;"
          "padding:0 1rem;color:#1f2933;line-height:1.5}h1{font-size:1.5rem}"
          "button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:.4rem;background:#1f2933;color:#fff;"
          "cursor:pointer}.note{color:#616e7c;font-size:.9rem}")


def gif() -> Response[str]:
    """The pixel. The body is base64 already (with the flag set) so the response validation,
    which serialises bodies as text, never sees the binary bytes."""
    response: Response[str] = Response(
        status_code=200, content_type="image/gif", body=base64.b64encode(PIXEL).decode(),
        headers={"Cache-Control": _NO_STORE, "X-Content-Type-Options": "nosniff"},
    )
    response.base64_encoded = True
    return response


def redirect(url: str) -> Response[None]:
    """302 to a URL that came out of a verified token (never from the request itself)."""
    return Response(status_code=302, body=None,
                    headers={"Location": url, "Cache-Control": _NO_STORE, "Referrer-Policy": "no-referrer"})


def _page(status: int, title: str, body: str) -> Response[str]:
    document = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width,initial-scale=1">'
                f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
                f"<style>{_STYLE}</style></head><body>{body}</body></html>")
    return Response(status_code=status, content_type="text/html; charset=utf-8", body=document,
                    headers=_HTML_HEADERS)


def _what(view: UnsubscribeView) -> str:
    kind = "text messages" if view.channel == Channel.SMS else "emails"
    sender = f" from {escape(view.community_name)}" if view.community_name else ""
    return f"marketing {kind}{sender}"


def unsubscribe_page(view: UnsubscribeView) -> Response[str]:
    """The confirmation page. The form posts an empty body to this same URL."""
    return _page(200, "Unsubscribe", (
        "<h1>Unsubscribe</h1>"
        f"<p>Stop sending {_what(view)} to <strong>{escape(view.masked_address)}</strong>?</p>"
        '<form method="post"><button type="submit">Unsubscribe</button></form>'
        '<p class="note">Messages you need about your home or account will still reach you.</p>'
    ))


def unsubscribed_page(view: UnsubscribeView) -> Response[str]:
    return _page(200, "You are unsubscribed", (
        "<h1>You are unsubscribed</h1>"
        f"<p><strong>{escape(view.masked_address)}</strong> will no longer receive {_what(view)}.</p>"
        '<p class="note">Messages you need about your home or account will still reach you.</p>'
    ))


def wants_html(accept: str | None) -> bool:
    return "text/html" in (accept or "").lower()


def not_found(accept: str | None) -> Response[str]:
    """A bad unsubscribe link: a page for a browser, the contract's JSON error for anything else."""
    if not wants_html(accept):
        raise NotFound()
    return _page(404, "Link not valid", (
        "<h1>This link is not valid</h1>"
        "<p>It may be incomplete. Copy the whole link from the message, or use the link in a newer message.</p>"
    ))
