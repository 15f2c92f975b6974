"""Tracking tokens (sign/verify) and the rewriting of marketing HTML."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from shared.messaging import tracked_links as links
from shared.messaging import tracking_tokens as tokens
from shared.messaging.tracking_tokens import Claims, Kind
from shared.platform import signing
from shared.platform.channels import Channel
from shared.platform.settings import settings
from shared.suppression.schemas import SuppressionCreate
from tests.unit.conftest import KEYRING

pytestmark = pytest.mark.unit

BASE = "https://api.porchlight.test"
CID, MID = "01JCOMMUNITY", "01JMESSAGE"
OPEN = Claims(Kind.OPEN, CID, MID)
CLICK = Claims(Kind.CLICK, CID, MID, url="https://example.org/news?a=1&b=2")
UNSUB = Claims(Kind.UNSUBSCRIBE, CID, MID, channel=Channel.EMAIL, address="rae@example.com")


@pytest.fixture(autouse=True)
def public_api_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PUBLIC_API_URL", BASE + "/")
    settings.cache_clear()
    monkeypatch.setattr(tokens, "_last_refresh", None)
    yield
    settings.cache_clear()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(body: dict[str, str], *, key: bytes, kid: str = "k2") -> str:
    """A token made by hand with `key`, the way tokens.sign would if that were the right key."""
    payload = b64(json.dumps(body, separators=(",", ":")).encode())
    mac = hmac.new(key, f"t1.{kid}.{payload}".encode(), hashlib.sha256).digest()[:16]
    return f"t1.{kid}.{payload}.{b64(mac)}"


# ---- tokens -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("claims", [OPEN, CLICK, UNSUB], ids=["open", "click", "unsubscribe"])
def test_round_trip_for_each_kind(claims: Claims) -> None:
    token = tokens.sign(claims)
    version, kid, payload, mac = token.split(".")
    assert (version, kid) == ("t1", "k2")
    assert all(c.isalnum() or c in "-_" for c in payload + mac) and len(mac) == 22
    assert tokens.verify(token, claims.kind) == claims


def test_a_token_is_only_good_for_its_own_kind() -> None:
    for claims in (OPEN, CLICK, UNSUB):
        token = tokens.sign(claims)
        for other in Kind:
            if other != claims.kind:
                assert tokens.verify(token, other) is None


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1:]


@pytest.mark.parametrize("part", [1, 2, 3], ids=["kid", "payload", "mac"])
def test_any_changed_character_is_refused(part: int) -> None:
    token = tokens.sign(CLICK)
    parts = token.split(".")
    for index in range(len(parts[part])):
        changed = parts.copy()
        changed[part] = _flip(parts[part], index)
        assert tokens.verify(".".join(changed), Kind.CLICK) is None


def test_another_message_id_cannot_borrow_a_signature() -> None:
    _, kid, _, mac = tokens.sign(OPEN).split(".")
    other = b64(json.dumps({"k": "o", "c": CID, "m": "01JOTHER"}, separators=(",", ":")).encode())
    assert tokens.verify(f"t1.{kid}.{other}.{mac}", Kind.OPEN) is None


def test_a_key_of_another_purpose_or_the_raw_key_is_refused() -> None:
    body = {"k": "o", "c": CID, "m": MID}
    assert tokens.verify(forge(body, key=KEYRING.derived("tracking")), Kind.OPEN) == OPEN  # the control
    assert tokens.verify(forge(body, key=KEYRING.derived("cursor")), Kind.OPEN) is None
    assert tokens.verify(forge(body, key=KEYRING.current), Kind.OPEN) is None


def test_wrong_or_unknown_kid_is_refused_and_refetches_the_keyring_at_most_once_a_minute(
        monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"k": "o", "c": CID, "m": MID}
    refreshes: list[bool] = []

    def keyring(refresh: bool = False) -> signing.Keyring:
        refreshes.append(refresh)
        return KEYRING

    monkeypatch.setattr(signing, "keyring", keyring)
    # Made with k2's key but claiming k1 (a known, older key): refused.
    assert tokens.verify(forge(body, key=KEYRING.derived("tracking", "k2"), kid="k1"), Kind.OPEN) is None
    assert not any(refreshes)
    for _ in range(3):
        assert tokens.verify(forge(body, key=KEYRING.derived("tracking"), kid="k9"), Kind.OPEN) is None
    assert refreshes.count(True) == 1


def test_a_token_made_with_a_retired_but_kept_key_verifies() -> None:
    previous = signing.Keyring(current_kid="k1", keys=KEYRING.keys)
    token = tokens.sign(UNSUB, previous)
    assert token.split(".")[1] == "k1"
    assert tokens.verify(token, Kind.UNSUBSCRIBE) == UNSUB


def test_a_key_rotated_in_after_signing_is_picked_up_by_one_refetch(monkeypatch: pytest.MonkeyPatch) -> None:
    rotated = signing.Keyring(current_kid="k3", keys={**KEYRING.keys, "k3": b"unit-test-key-three" * 3})
    token = tokens.sign(OPEN, rotated)
    monkeypatch.setattr(signing, "keyring", lambda refresh=False: rotated if refresh else KEYRING)
    assert tokens.verify(token, Kind.OPEN) == OPEN


@pytest.mark.parametrize(
    "token",
    ["", ".", "t1...", "t1.k2.e30.", "t1.k2", "t2.k2.e30.AAAAAAAAAAAAAAAAAAAAAA", "x" * 5000,
     "t1.k2.é.AAAAAAAAAAAAAAAAAAAAAA", "t1.k.2.e30.AAAA", "t1.k2.e30=.AAAAAAAAAAAAAAAAAAAAAA", "../../etc/passwd"],
)
def test_garbage_is_refused_without_raising(token: str) -> None:
    for kind in Kind:
        assert tokens.verify(token, kind) is None


def test_genuinely_signed_but_malformed_claims_are_refused() -> None:
    key = KEYRING.derived("tracking")
    for body, kind in [
        ({"k": "c", "c": CID, "m": MID, "u": "javascript:alert(1)"}, Kind.CLICK),
        ({"k": "c", "c": CID, "m": MID, "u": "https://ok.test/\r\nSet-Cookie: x=1"}, Kind.CLICK),
        ({"k": "c", "c": CID, "m": MID}, Kind.CLICK),
        ({"k": "u", "c": CID, "m": MID, "ch": "fax", "a": "x"}, Kind.UNSUBSCRIBE),
        ({"k": "u", "c": CID, "m": MID, "ch": "email", "a": ""}, Kind.UNSUBSCRIBE),
        ({"k": "o", "c": "C#x", "m": MID}, Kind.OPEN),
        ({"k": "o", "c": CID}, Kind.OPEN),
    ]:
        assert tokens.verify(forge(body, key=key), kind) is None, body
    payload = b64(b"[1, 2]")
    mac = b64(hmac.new(key, f"t1.k2.{payload}".encode(), hashlib.sha256).digest()[:16])
    assert tokens.verify(f"t1.k2.{payload}.{mac}", Kind.OPEN) is None


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/", "//evil.test/", "/relative", "https://",
     "https://ok.test/a b", "https://ok.test/\nx", "https:\\\\evil.test", "https://ok.test/é",
     "https://ok.test/" + "a" * 2048],
)
def test_click_tokens_only_carry_absolute_http_urls(url: str) -> None:
    with pytest.raises(ValueError):
        tokens.sign(Claims(Kind.CLICK, CID, MID, url=url))


def test_signing_needs_ids() -> None:
    for claims in (Claims(Kind.OPEN, "", MID), Claims(Kind.OPEN, "C#1", MID), Claims(Kind.OPEN, CID, ""),
                   Claims(Kind.UNSUBSCRIBE, CID, MID, channel=Channel.EMAIL)):
        with pytest.raises(ValueError):
            tokens.sign(claims)


# ---- links --------------------------------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(str(values["href"]))
        if tag == "img":
            self.images.append(str(values.get("src")))


def parsed(html: str) -> _Links:
    found = _Links()
    found.feed(html)
    found.close()
    return found


def clicked(href: str) -> str | None:
    assert href.startswith(f"{BASE}/v1/t/click/"), href
    claims = tokens.verify(href.rsplit("/", 1)[1], Kind.CLICK)
    assert claims is not None and (claims.community_id, claims.message_id) == (CID, MID)
    return claims.url


def prepare(html: str) -> str:
    return links.prepare_email_html(html, CID, MID, marketing=True)


def test_transactional_html_is_returned_unchanged() -> None:
    html = '<html><body><a href="https://example.org/reset?t=1">Reset</a></body></html>'
    assert links.prepare_email_html(html, CID, MID, marketing=False) is html


def test_http_and_https_links_go_through_the_click_redirect_with_their_decoded_url() -> None:
    out = prepare('<p><a href="https://example.org/news?a=1&amp;b=2">News</a> and '
                  '<a class="btn" href="http://example.org/x" target="_blank">X</a></p>')
    hrefs = parsed(out).hrefs
    assert [clicked(h) for h in hrefs] == ["https://example.org/news?a=1&b=2", "http://example.org/x"]
    assert 'class="btn"' in out and 'target="_blank"' in out and ">News</a>" in out and ">X</a>" in out


@pytest.mark.parametrize(
    "tag",
    ["<a href='https://example.org/q'>", "<a href=https://example.org/q>", "<A HREF = \"https://example.org/q\">",
     "<a\n  title=\"say href=&quot;no&quot;\"\n  href=\"https://example.org/q\">", "<a href=\"https://example.org/q\"/>"],
    ids=["single-quotes", "unquoted", "upper-case-spaced", "href-text-in-another-attribute", "self-closing"],
)
def test_every_way_of_writing_the_attribute_is_rewritten(tag: str) -> None:
    out = prepare(f"{tag}Go</a>")
    assert [clicked(h) for h in parsed(out).hrefs] == ["https://example.org/q"]


@pytest.mark.parametrize(
    "href",
    ["mailto:board@example.org", "tel:+15551234567", "#section-2", "/relative/path", "javascript:void(0)",
     "https://example.org/ünïcode", f"{BASE}/v1/unsubscribe/t1.k2.abc.def", f"{BASE}/v1/t/click/t1.k2.abc.def"],
    ids=["mailto", "tel", "anchor", "relative", "javascript", "non-ascii", "unsubscribe", "already-tracked"],
)
def test_links_that_are_not_tracked_stay_exactly_as_written(href: str) -> None:
    anchor = f'<a href="{href}">x</a>'
    assert prepare(anchor).startswith(anchor)


def test_the_real_unsubscribe_link_is_left_alone() -> None:
    url = links.unsubscribe_url(CID, MID, Channel.EMAIL, "rae@example.com")
    out = prepare(f'<body><a href="{url}">Unsubscribe</a></body>')
    assert parsed(out).hrefs == [url]


def test_href_text_outside_anchor_tags_is_untouched() -> None:
    html = ('<p>Write href="https://example.org/a" in text</p><!-- <a href="https://example.org/b"> -->'
            '<script>var a = "<a href=\'https://example.org/c\'>";</script><a data-href="https://example.org/d">d</a>'
            '<area href="https://example.org/e"><a name="top">top</a>')
    out = prepare(html)
    assert out.startswith(html)


def test_the_open_pixel_goes_before_the_last_body_end_tag() -> None:
    out = prepare("<html><BODY><p>Hi</p></Body></html>")
    images = parsed(out).images
    assert len(images) == 1 and images[0].startswith(f"{BASE}/v1/t/open/")
    assert tokens.verify(images[0].rsplit("/", 1)[1], Kind.OPEN) == OPEN
    assert out.endswith('width="1" height="1" alt="" style="display:none"></Body></html>')


def test_without_a_body_tag_the_pixel_is_appended() -> None:
    out = prepare("<p>Hi</p>")
    assert out.startswith("<p>Hi</p><img src=") and out.endswith('style="display:none">')


def test_the_same_link_twice_gets_the_same_token_and_an_unclosed_tag_is_left() -> None:
    out = prepare('<a href="https://example.org/">a</a><a href="https://example.org/">b</a><a href="https://x.test/')
    first, second = parsed(out).hrefs[:2]
    assert first == second and clicked(first) == "https://example.org/"
    assert '<a href="https://x.test/' in out


def test_unsubscribe_url_and_headers() -> None:
    url = links.unsubscribe_url(CID, MID, "sms", "+15551234567")
    claims = tokens.verify(url.removeprefix(f"{BASE}/v1/unsubscribe/"), Kind.UNSUBSCRIBE)
    assert claims == Claims(Kind.UNSUBSCRIBE, CID, MID, channel=Channel.SMS, address="+15551234567")
    headers = links.unsubscribe_headers(CID, MID, "rae@example.com")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    value = headers["List-Unsubscribe"]
    assert value.startswith(f"<{BASE}/v1/unsubscribe/t1.k2.") and value.endswith(">")
    assert tokens.verify(value[1:-1].rsplit("/", 1)[1], Kind.UNSUBSCRIBE) == UNSUB


def test_without_a_public_api_url_links_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_API_URL", "")
    settings.cache_clear()
    with pytest.raises(RuntimeError, match="public_api_url"):
        links.unsubscribe_headers(CID, MID, "rae@example.com")


# ---- suppression request validation -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("channel", "address", "stored"),
    [("email", " Rae@Example.COM ", "rae@example.com"), ("sms", "+15551234567", "+15551234567"),
     ("sms", "+4915112345678", "+4915112345678")],
)
def test_addresses_are_validated_per_channel(channel: str, address: str, stored: str) -> None:
    assert SuppressionCreate.model_validate({"channel": channel, "address": address}).address == stored


@pytest.mark.parametrize(
    ("channel", "address"),
    [("email", "not-an-email"), ("email", "+15551234567"), ("sms", "15551234567"), ("sms", "+1555"),
     ("sms", "+1234567890123456"), ("sms", "+0555123456"), ("sms", "rae@example.com"), ("sms", "+1 555 123 4567")],
)
def test_bad_addresses_are_refused(channel: str, address: str) -> None:
    with pytest.raises(ValueError):
        SuppressionCreate.model_validate({"channel": channel, "address": address})
