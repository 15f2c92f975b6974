"""Tracking and unsubscribe links put into outgoing mail (called by the delivery worker).

Only marketing HTML is tracked: its http(s) links go through the click redirect and it gets
an open pixel. Transactional mail (password resets, notices) is sent exactly as rendered.
Links are found with the standard library's HTML parser, so `href=` text in content, comments
or scripts is never touched; a tag we cannot rewrite with certainty is left as it was.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from shared.messaging import tracking_tokens as tokens
from shared.messaging.tracking_tokens import Claims, Kind
from shared.platform import signing
from shared.platform.channels import Channel
from shared.platform.settings import settings

ONE_CLICK = "List-Unsubscribe=One-Click"
_TAG_NAME = re.compile(r"<[^\s/>]+")
_ATTRIBUTE = re.compile(
    r"""[\s/]*(?P<name>[^\s/>"'=]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s>"'][^\s>]*))?"""
)
_BODY_END = "</body"


def base_url() -> str:
    """The public API's base URL (no trailing slash): links must reach API Gateway directly."""
    return settings().require("public_api_url").rstrip("/")


def open_url(community_id: str, message_id: str, *, ring: signing.Keyring | None = None) -> str:
    token = tokens.sign(Claims(Kind.OPEN, community_id, message_id), ring)
    return f"{base_url()}/v1/t/open/{token}"


def click_url(community_id: str, message_id: str, url: str, *, ring: signing.Keyring | None = None) -> str:
    token = tokens.sign(Claims(Kind.CLICK, community_id, message_id, url=url), ring)
    return f"{base_url()}/v1/t/click/{token}"


def unsubscribe_url(community_id: str, message_id: str, channel: Channel | str, address: str) -> str:
    """The page (GET) and one-click endpoint (POST) that suppress `address` on `channel`."""
    claims = Claims(Kind.UNSUBSCRIBE, community_id, message_id, channel=Channel(channel), address=address)
    return f"{base_url()}/v1/unsubscribe/{tokens.sign(claims)}"


def unsubscribe_headers(community_id: str, message_id: str, address: str) -> dict[str, str]:
    """RFC 2369 `List-Unsubscribe` with RFC 8058 one-click, for marketing email.

    No `mailto:` alternative: nothing receives mail for it, and a dead mailto is worse than none.
    """
    url = unsubscribe_url(community_id, message_id, Channel.EMAIL, address)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}


@dataclass(frozen=True)
class _Anchor:
    line: int  # 1-based, as HTMLParser.getpos() counts
    column: int
    raw: str  # the start tag exactly as written
    href: str  # its first href, entities decoded


class _AnchorFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[_Anchor] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        raw = self.get_starttag_text()
        href = next((value for name, value in attrs if name == "href"), None)
        if raw and href is not None:
            line, column = self.getpos()
            self.anchors.append(_Anchor(line, column, raw, href))


def _with_href(raw: str, href: str, new_url: str) -> str | None:
    """`raw` with its first href replaced by `new_url`, or None if it is not the href we parsed."""
    name = _TAG_NAME.match(raw)
    if name is None:
        return None
    position = name.end()
    while True:
        found = _ATTRIBUTE.match(raw, position)
        if found is None or found.end() == position:
            return None
        if found.group("name").lower() == "href":
            value = found.group("value")
            if value is None:
                return None
            unquoted = value[1:-1] if value[0] in "\"'" else value
            if htmllib.unescape(unquoted) != href:
                return None
            start, end = found.span("value")
            return f'{raw[:start]}"{htmllib.escape(new_url, quote=True)}"{raw[end:]}'
        position = found.end()


def _tracked_target(href: str, base: str) -> str | None:
    """The URL to send through the click redirect, or None to leave the link alone."""
    url = href.strip()
    if not tokens.is_trackable_url(url):
        return None  # mailto:, tel:, #anchors, relative or odd links
    if url.startswith((f"{base}/v1/unsubscribe/", f"{base}/v1/t/")):
        return None  # our own unsubscribe and tracking links
    return url


def _rewrite_links(html: str, community_id: str, message_id: str, ring: signing.Keyring) -> str:
    finder = _AnchorFinder()
    finder.feed(html)
    finder.close()
    line_starts = [0, *(m.end() for m in re.finditer("\n", html))]
    base = base_url()
    pieces: list[str] = []
    done = 0
    for anchor in finder.anchors:
        start = line_starts[anchor.line - 1] + anchor.column
        if start < done or html[start:start + len(anchor.raw)] != anchor.raw:
            continue
        target = _tracked_target(anchor.href, base)
        if target is None:
            continue
        rewritten = _with_href(anchor.raw, anchor.href, click_url(community_id, message_id, target, ring=ring))
        if rewritten is None:
            continue
        pieces += [html[done:start], rewritten]
        done = start + len(anchor.raw)
    pieces.append(html[done:])
    return "".join(pieces)


def prepare_email_html(html: str, community_id: str, message_id: str, *, marketing: bool) -> str:
    """Marketing HTML with click-tracked links and an open pixel; anything else unchanged."""
    if not marketing:
        return html
    ring = signing.keyring()
    tracked = _rewrite_links(html, community_id, message_id, ring)
    pixel = (f'<img src="{htmllib.escape(open_url(community_id, message_id, ring=ring), quote=True)}" '
             'width="1" height="1" alt="" style="display:none">')
    end = tracked.lower().rfind(_BODY_END)
    if end < 0:
        return tracked + pixel
    return tracked[:end] + pixel + tracked[end:]
