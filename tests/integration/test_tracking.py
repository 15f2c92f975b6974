"""Open pixel, click redirect and unsubscribe, through their handlers against moto."""

from __future__ import annotations

import base64
import importlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.messaging import repository as messages
from shared.messaging import tracked_links as links
from shared.messaging import tracking_tokens as tokens
from shared.messaging.models import Message, MessageStatus
from shared.messaging.tracking_tokens import Claims, Kind
from shared.platform import clock, ids
from shared.platform.channels import Category, Channel
from shared.suppression import service as suppressions
from shared.suppression.models import Reason
from shared.tracking.web import PIXEL
from tests.integration.conftest import signup
from tests.support.api import FakeContext, find_route
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).parents[2] / "events"
BASE = "https://api.porchlight.test"
ADDRESS = "rae@example.com"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass
class Raw:
    """A handler's answer as bytes: these routes answer GIF, HTML and redirects, not JSON."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get(name.lower())


def event_for(
    method: str, path: str, *, body: str | None = None, headers: dict[str, str] | None = None, base64_body: bool = False
) -> dict[str, Any]:
    """An API Gateway v2 event for a public route, shaped like tests.support.api builds them."""
    route, params = find_route(method, path.split("?")[0])
    query = path.partition("?")[2]
    return {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": path.split("?")[0],
        "rawQueryString": query,
        "headers": {"user-agent": "pytest", **{k.lower(): v for k, v in (headers or {}).items()}},
        "queryStringParameters": dict(p.split("=", 1) for p in query.split("&")) if query else None,
        "pathParameters": params or None,
        "requestContext": {
            "http": {
                "method": method,
                "path": path.split("?")[0],
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
                "userAgent": "pytest",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }


def invoke(event: dict[str, Any]) -> Raw:
    route, _ = find_route(event["requestContext"]["http"]["method"], event["rawPath"])
    module = importlib.import_module(route.handler)
    response = module.handler(event, FakeContext(function_name=route.name, aws_request_id=str(uuid.uuid4())))
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    return Raw(int(response["statusCode"]), response.get("headers") or {}, raw)


def request(method: str, path: str, **kwargs: Any) -> Raw:
    return invoke(event_for(method, path, **kwargs))


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/v1/"), url
    return url.removeprefix(BASE)


def new_message(community_id: str, *, to: str = ADDRESS, category: Category = Category.MARKETING) -> Message:
    now = clock.iso()
    message = Message(
        id=ids.new_id(),
        community_id=community_id,
        channel=Channel.EMAIL,
        category=category,
        to=to,
        status=MessageStatus.SENT,
        subject="Spring newsletter",
        html="<p>Hi</p>",
        created_at=now,
        updated_at=now,
    )
    messages.create(message)
    return message


def reload(message: Message) -> Message:
    found = messages.get(message.community_id, message.id)
    assert found is not None
    return found


def kinds(message: Message) -> list[str]:
    return [e.type for e in reload(message).events]


@pytest.fixture
def community() -> dict[str, Any]:
    return signup()


@pytest.fixture
def message(community: dict[str, Any]) -> Message:
    return new_message(community["community"]["id"])


def open_path(message: Message) -> str:
    return path_of(links.open_url(message.community_id, message.id))


def click_path(message: Message, url: str) -> str:
    return path_of(links.click_url(message.community_id, message.id, url))


def unsubscribe_path(message: Message, address: str = ADDRESS) -> str:
    return path_of(links.unsubscribe_url(message.community_id, message.id, Channel.EMAIL, address))


def assert_pixel(answer: Raw) -> None:
    assert answer.status == 200
    assert answer.body == PIXEL
    assert answer.header("content-type") == "image/gif"
    assert "no-store" in (answer.header("cache-control") or "")


# ---- open ---------------------------------------------------------------------------------------------


def test_open_records_the_first_open_only(message: Message) -> None:
    assert_pixel(request("GET", open_path(message)))
    first = reload(message).opened_at
    assert first is not None
    clock.travel(3600)
    for _ in range(3):
        assert_pixel(request("GET", open_path(message)))
    assert reload(message).opened_at == first
    assert kinds(message) == ["Open"]


@pytest.mark.parametrize(
    "token",
    ["garbage", "t1.k2.e30.AAAAAAAAAAAAAAAAAAAAAA", "x" * 5000, "t1..."],
)
def test_any_bad_token_gets_the_same_gif_and_records_nothing(message: Message, token: str) -> None:
    assert_pixel(request("GET", f"/v1/t/open/{token}"))
    assert reload(message).opened_at is None and kinds(message) == []


def test_tokens_of_other_kinds_or_tampered_ones_record_no_open(message: Message) -> None:
    genuine = open_path(message)
    tampered = genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")
    for path in (
        tampered,
        click_path(message, "https://example.org/").replace("/t/click/", "/t/open/"),
        unsubscribe_path(message).replace("/unsubscribe/", "/t/open/"),
    ):
        assert_pixel(request("GET", path))
    assert reload(message).opened_at is None


def test_the_pixel_is_served_even_when_storage_fails(message: Message, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(messages, "get", broken)
    assert_pixel(request("GET", open_path(message)))


def test_an_open_for_a_message_that_is_gone_is_ignored(community: dict[str, Any]) -> None:
    token = tokens.sign(Claims(Kind.OPEN, community["community"]["id"], ids.new_id()))
    assert_pixel(request("GET", f"/v1/t/open/{token}"))


# ---- click --------------------------------------------------------------------------------------------


def test_click_redirects_to_the_signed_url_and_records_each_link_once(message: Message) -> None:
    target = "https://example.org/events?id=7&ref=mail"
    answer = request("GET", click_path(message, target))
    assert answer.status == 302 and answer.header("location") == target
    assert answer.header("referrer-policy") == "no-referrer"
    first = reload(message).clicked_at
    assert first is not None
    clock.travel(60)
    assert request("GET", click_path(message, target)).header("location") == target
    assert request("GET", click_path(message, "https://example.org/other")).status == 302
    stored = reload(message)
    assert stored.clicked_at == first
    assert [(e.type, e.detail.get("url")) for e in stored.events] == [
        ("Click", target),
        ("Click", "https://example.org/other"),
    ]


def test_a_tampered_or_foreign_click_token_is_404_and_redirects_nowhere(message: Message) -> None:
    genuine = click_path(message, "https://example.org/")
    version, kid, payload, mac = genuine.rsplit("/", 1)[1].split(".")
    evil = (
        base64.urlsafe_b64encode(
            json.dumps(
                {"k": "c", "c": message.community_id, "m": message.id, "u": "https://evil.test/"}, separators=(",", ":")
            ).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    for path in (
        f"/v1/t/click/{version}.{kid}.{evil}.{mac}",  # a new URL under the old signature
        genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        open_path(message).replace("/t/open/", "/t/click/"),
        "/v1/t/click/https:%2F%2Fevil.test%2F",
        "/v1/t/click/garbage",
    ):
        answer = request("GET", path)
        assert answer.status == 404, path
        assert answer.header("location") is None
        assert answer.json()["error"]["code"] == "NOT_FOUND"
    assert reload(message).clicked_at is None


def test_request_parameters_cannot_change_where_a_click_goes(message: Message) -> None:
    answer = request(
        "GET",
        click_path(message, "https://example.org/a") + "?url=https://evil.test/&next=//evil.test",
        headers={"referer": "https://evil.test/", "host": "evil.test"},
    )
    assert answer.status == 302 and answer.header("location") == "https://example.org/a"


def test_a_click_still_redirects_when_recording_fails(message: Message, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(messages, "get", broken)
    answer = request("GET", click_path(message, "https://example.org/a"))
    assert answer.status == 302 and answer.header("location") == "https://example.org/a"


# ---- unsubscribe --------------------------------------------------------------------------------------


def test_the_page_shows_who_and_a_masked_address_and_changes_nothing(message: Message) -> None:
    answer = request("GET", unsubscribe_path(message), headers=BROWSER)
    assert answer.status == 200 and (answer.header("content-type") or "").startswith("text/html")
    page = answer.text
    assert "Oak Park" in page and "r***@example.com" in page and ADDRESS not in page
    assert '<form method="post">' in page and ">Unsubscribe</button>" in page
    assert answer.header("referrer-policy") == "no-referrer" and "no-store" in (answer.header("cache-control") or "")
    assert "default-src 'none'" in (answer.header("content-security-policy") or "")
    assert suppressions.blocking_reason(message.community_id, Channel.EMAIL, ADDRESS, Category.MARKETING) is None
    assert kinds(message) == []


def test_community_names_are_escaped_on_the_page() -> None:
    created = signup(name="<script>alert(1)</script> & Co", email="x@example.com")
    target = new_message(created["community"]["id"])
    page = request("GET", unsubscribe_path(target), headers=BROWSER).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page


def test_one_click_post_suppresses_marketing_only_and_records_once(aws_env: dict[str, Any], message: Message) -> None:
    audit_events(aws_env)  # drop signup's
    answer = request(
        "POST", unsubscribe_path(message), body=ONE_CLICK, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert answer.status == 200 and "You are unsubscribed" in answer.text
    cid = message.community_id
    assert suppressions.blocking_reason(cid, Channel.EMAIL, ADDRESS, Category.MARKETING) == Reason.UNSUBSCRIBED
    assert suppressions.blocking_reason(cid, Channel.EMAIL, ADDRESS.upper(), Category.MARKETING) == Reason.UNSUBSCRIBED
    assert suppressions.blocking_reason(cid, Channel.EMAIL, ADDRESS, Category.TRANSACTIONAL) is None
    stored = reload(message)
    assert [(e.type, e.detail) for e in stored.events] == [("Unsubscribe", {"channel": "email", "method": "one-click"})]
    [audited] = audit_events(aws_env)
    assert audited.action == "suppression.unsubscribed" and audited.community_id == cid
    assert audited.target == "r***@example.com" and audited.actor_id is None
    assert audited.detail == {
        "channel": "email",
        "reason": "unsubscribed",
        "message_id": message.id,
        "method": "one-click",
    }
    assert ADDRESS not in audited.model_dump_json()
    # Mail clients retry; a second POST changes nothing.
    assert request("POST", unsubscribe_path(message), body=ONE_CLICK).status == 200
    assert kinds(message) == ["Unsubscribe"] and audit_events(aws_env) == []


def test_the_page_button_posts_an_empty_body(message: Message) -> None:
    answer = request("POST", unsubscribe_path(message), body="", headers=BROWSER)
    assert answer.status == 200 and "You are unsubscribed" in answer.text and "r***@example.com" in answer.text
    assert [e.detail["method"] for e in reload(message).events] == ["page"]


def test_a_multipart_one_click_post_is_recognised(message: Message) -> None:
    boundary = "----porchlight"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        f"One-Click\r\n--{boundary}--\r\n"
    )
    answer = request(
        "POST",
        unsubscribe_path(message),
        body=base64.b64encode(body.encode()).decode(),
        base64_body=True,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status == 200
    assert [e.detail["method"] for e in reload(message).events] == ["one-click"]


def test_an_unsubscribe_only_touches_its_own_community(message: Message) -> None:
    other = signup(name="Birch Hollow", email="bob@example.com")["community"]["id"]
    request("POST", unsubscribe_path(message), body=ONE_CLICK)
    assert suppressions.blocking_reason(other, Channel.EMAIL, ADDRESS, Category.MARKETING) is None
    assert suppressions.blocking_reason(message.community_id, Channel.SMS, ADDRESS, Category.MARKETING) is None


def test_an_unsubscribe_after_a_bounce_keeps_the_bounce(message: Message) -> None:
    suppressions.add(message.community_id, Channel.EMAIL, ADDRESS, Reason.BOUNCE, source="ses")
    assert request("POST", unsubscribe_path(message), body=ONE_CLICK).status == 200
    assert (
        suppressions.blocking_reason(message.community_id, Channel.EMAIL, ADDRESS, Category.TRANSACTIONAL)
        == Reason.BOUNCE
    )


def test_sms_unsubscribe_links_suppress_the_phone_number(community: dict[str, Any]) -> None:
    cid = community["community"]["id"]
    url = links.unsubscribe_url(cid, ids.new_id(), Channel.SMS, "+15551234567")
    page = request("GET", path_of(url), headers=BROWSER).text
    assert "+1***67" in page and "text messages" in page
    assert request("POST", path_of(url), body=ONE_CLICK).status == 200
    assert suppressions.blocking_reason(cid, Channel.SMS, "+15551234567", Category.MARKETING) == Reason.UNSUBSCRIBED


def test_bad_unsubscribe_tokens_are_404_pages_for_browsers_and_json_otherwise(message: Message) -> None:
    genuine = unsubscribe_path(message)
    for path in (
        genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        open_path(message).replace("/t/open/", "/unsubscribe/"),
        "/v1/unsubscribe/garbage",
    ):
        page = request("GET", path, headers=BROWSER)
        assert page.status == 404 and "This link is not valid" in page.text
        posted = request("POST", path, body=ONE_CLICK, headers=BROWSER)
        assert posted.status == 404 and (posted.header("content-type") or "").startswith("text/html")
        machine = request("POST", path, body=ONE_CLICK)
        assert machine.status == 404 and machine.json()["error"]["code"] == "NOT_FOUND"
    assert suppressions.blocking_reason(message.community_id, Channel.EMAIL, ADDRESS, Category.MARKETING) is None


# ---- the sample events --------------------------------------------------------------------------------


def load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def with_token(event: dict[str, Any], token: str) -> dict[str, Any]:
    """The sample with a real token in place of its placeholder (tokens are signed per keyring)."""
    placeholder = event["pathParameters"]["token"]
    for holder, key in ((event, "rawPath"), (event["requestContext"]["http"], "path")):
        holder[key] = holder[key].replace(placeholder, token)
    event["pathParameters"]["token"] = token
    return event


def test_sample_click_event(message: Message) -> None:
    sample = load("api-tracking-click.json")
    assert invoke(json.loads(json.dumps(sample))).status == 404  # its placeholder token is not genuine
    token = click_path(message, "https://example.org/spring-fair").rsplit("/", 1)[1]
    answer = invoke(with_token(sample, token))
    assert answer.status == 302 and answer.header("location") == "https://example.org/spring-fair"


def test_sample_one_click_event(message: Message) -> None:
    sample = load("api-unsubscribe-one-click.json")
    assert invoke(json.loads(json.dumps(sample))).status == 404
    token = unsubscribe_path(message).rsplit("/", 1)[1]
    answer = invoke(with_token(sample, token))
    assert answer.status == 200 and "You are unsubscribed" in answer.text
    assert [e.detail["method"] for e in reload(message).events] == ["one-click"]
