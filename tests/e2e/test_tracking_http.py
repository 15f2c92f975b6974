"""Tracking and unsubscribe over real HTTP through the local runtime's gateway."""

from __future__ import annotations

import json
import struct
import uuid
from typing import Any
from urllib.parse import quote

import pytest

from shared.messaging import tracking_tokens as tokens
from shared.messaging.items import MessageItem
from shared.messaging.models import Message, MessageStatus
from shared.messaging.repository import new_item
from shared.messaging.tracking_tokens import Claims, Kind
from shared.platform import clock, ids, signing
from shared.platform.channels import Category, Channel
from tests.e2e.conftest import Api, LocalRuntime, signup_ready

pytestmark = pytest.mark.e2e


def gif_facts(data: bytes) -> tuple[int, int, bool]:
    """Width, height and whether a transparent colour is set, walking the GIF's blocks to its trailer."""
    assert data[:6] in (b"GIF87a", b"GIF89a")
    width, height, packed = struct.unpack("<HHB", data[6:11])
    position = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    transparent = False
    while True:
        block = data[position]
        if block == 0x3B:  # trailer
            assert position == len(data) - 1
            return width, height, transparent
        if block == 0x21:  # extension: label, then sub-blocks
            if data[position + 1] == 0xF9:
                transparent = bool(data[position + 3] & 1)
            position += 2
        elif block == 0x2C:  # image descriptor, optional local table, LZW code size, then sub-blocks
            local = data[position + 9]
            position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1
        else:
            raise AssertionError(f"unexpected GIF block {block:#x}")
        while data[position]:
            position += data[position] + 1
        position += 1


def runtime_keyring(local_runtime: LocalRuntime) -> signing.Keyring:
    secret = local_runtime.aws("secretsmanager").get_secret_value(SecretId=local_runtime.resources["secret_id"])
    return signing.parse(json.loads(secret["SecretString"]))


def signup(api: Api) -> dict[str, Any]:
    return signup_ready(api, "Lantern Court")


def put_message(local_runtime: LocalRuntime, community_id: str, to: str) -> Message:
    now = clock.iso()
    message = Message(id=ids.new_id(), community_id=community_id, channel=Channel.EMAIL, category=Category.MARKETING,
                      to=to, status=MessageStatus.SENT, created_at=now, updated_at=now)
    local_runtime.aws("dynamodb").put_item(TableName=local_runtime.resources["table"],
                                           Item=new_item(message).serialize())
    return message


def stored(local_runtime: LocalRuntime, message: Message) -> dict[str, Any]:
    pk, sk = f"C#{message.community_id}", f"MSG#{message.id}"
    item = local_runtime.aws("dynamodb").get_item(TableName=local_runtime.resources["table"],
                                                  Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True)
    return MessageItem.from_raw_data(item["Item"]).attribute_values


@pytest.fixture
def setup(api: Api, local_runtime: LocalRuntime) -> tuple[dict[str, Any], Message, signing.Keyring]:
    admin = signup(api)
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    return admin, put_message(local_runtime, admin["community"]["id"], address), runtime_keyring(local_runtime)


def test_the_pixel_is_a_valid_transparent_gif_and_records_the_open(
        api: Api, local_runtime: LocalRuntime, setup: tuple[dict[str, Any], Message, signing.Keyring]) -> None:
    _, message, ring = setup
    token = tokens.sign(Claims(Kind.OPEN, message.community_id, message.id), ring)
    answer = api.get(f"/v1/t/open/{token}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/gif" and "no-store" in answer.headers["cache-control"]
    assert gif_facts(answer.content) == (1, 1, True)
    assert stored(local_runtime, message).get("opened_at")
    bad = api.get("/v1/t/open/not-a-token")
    assert bad.status_code == 200 and bad.content == answer.content


def test_click_is_a_302_to_the_signed_link_only(
        api: Api, local_runtime: LocalRuntime, setup: tuple[dict[str, Any], Message, signing.Keyring]) -> None:
    _, message, ring = setup
    target = "https://example.org/spring-fair?utm_source=porchlight&x=%2F"
    token = tokens.sign(Claims(Kind.CLICK, message.community_id, message.id, url=target), ring)
    answer = api.get(f"/v1/t/click/{token}?url=https://evil.test/", allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["location"] == target
    assert stored(local_runtime, message).get("clicked_at")
    tampered = api.get(f"/v1/t/click/{token[:-2]}{'AA' if not token.endswith('AA') else 'BB'}",
                       allow_redirects=False)
    assert tampered.status_code == 404 and "location" not in tampered.headers
    assert tampered.json()["error"]["code"] == "NOT_FOUND"


def test_one_click_unsubscribe_over_http(
        api: Api, setup: tuple[dict[str, Any], Message, signing.Keyring]) -> None:
    admin, message, ring = setup
    claims = Claims(Kind.UNSUBSCRIBE, message.community_id, message.id, channel=Channel.EMAIL, address=message.to)
    path = f"/v1/unsubscribe/{tokens.sign(claims, ring)}"
    page = api.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Lantern Court" in page.text and message.to not in page.text and 'method="post"' in page.text
    answer = api.post(path, data="List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200 and "You are unsubscribed" in answer.text
    listed = api.get("/v1/suppressions", token=admin["access_token"], params={"channel": "email"})
    assert listed.status_code == 200, listed.text
    assert [(e["address"], e["reason"], e["source"]) for e in listed.json()["items"]] == [
        (message.to, "unsubscribed", message.id)]
    lifted = api.delete(f"/v1/suppressions/email/{quote(message.to, safe='')}", token=admin["access_token"])
    assert lifted.status_code == 204, lifted.text
    bad = api.post("/v1/unsubscribe/not-a-token", data="List-Unsubscribe=One-Click",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert bad.status_code == 404 and bad.json()["error"]["code"] == "NOT_FOUND"
