"""Issue 12's pure pieces: password rules, codes and digests, request shapes, config, the dev page."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from infra.config import ConfigError, StageConfig
from infra.local.banner import render
from infra.local.dev_endpoints import DevEndpoints
from infra.local.mailbox import Mailbox
from shared.identity.seed import DemoCommunity
from shared.messaging.schemas import Related
from shared.portal import signin
from shared.portal.recovery import weakness
from shared.portal.schemas import MagicLinkVerify

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("password", "problem"), [
    ("a good long passphrase", None),
    ("short", "must be 10 to 128 characters"),
    ("x" * 129, "must be 10 to 128 characters"),
    ("OakPark2026!!", "must not contain the account's email or community name"),  # name without its space
    ("my oak park home", "must not contain the account's email or community name"),
    ("dana.doe-rocks-2026", "must not contain the account's email or community name"),  # the local part
    ("Dana.Doe@Example.com!", "must not contain the account's email or community name"),
])
def test_new_passwords_are_checked_like_signup(password: str, problem: str | None) -> None:
    assert weakness(password, email="dana.doe@example.com", community_name="Oak Park") == problem


def test_short_names_and_addresses_do_not_forbid_every_password() -> None:
    assert weakness("an ordinary passphrase", email="al@x.io", community_name="An") is None
    assert weakness("an ordinary passphrase", email="root@porchlight.dev", community_name=None) is None


def test_codes_are_six_digits_and_their_digests_are_salted_by_their_link() -> None:
    codes = {signin.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    assert signin.code_hash("link-a", "123456") != signin.code_hash("link-b", "123456")
    assert signin.address_hash("c1", "Ann@Example.com ") == signin.address_hash("c1", "ann@example.com")
    assert signin.address_hash("c1", "ann@example.com") != signin.address_hash("c2", "ann@example.com")


@pytest.mark.parametrize("body", [
    {"token": "t"},
    {"community": "oak", "email": "A@Example.com", "code": "012345"},
])
def test_verify_takes_a_token_or_a_code(body: dict[str, str]) -> None:
    parsed = MagicLinkVerify.model_validate(body)
    assert parsed.email in (None, "a@example.com")


@pytest.mark.parametrize("body", [
    {}, {"token": "t", "code": "123456"}, {"community": "oak", "code": "123456"},
    {"community": "oak", "email": "a@b.co", "code": "1234567"}, {"token": "t", "extra": 1},
])
def test_verify_refuses_anything_else(body: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        MagicLinkVerify.model_validate(body)


@pytest.mark.parametrize(("text", "key"), [
    ("work_order:01J", "work_order:01J"), ("notice:n-1", "notice:n-1"), ("application:a_b", "application:a_b"),
    ("tenancy:T1", "tenancy:T1"),
])
def test_related_things(text: str, key: str) -> None:
    related = Related.parse(text)
    assert related is not None and related.key == key


@pytest.mark.parametrize("text", ["work_order", "invoice:1", "work_order:", "notice:a:b", "tenancy:a#b"])
def test_related_refuses_other_things(text: str) -> None:
    with pytest.raises(ValueError):
        Related.parse(text)


def test_portal_url_is_a_context_value_defaulting_to_the_spas_portal() -> None:
    config = StageConfig.from_context({"spa_origin": "https://app.example.org"}.get)
    assert config.portal_url == "https://app.example.org/portal"
    custom = StageConfig.from_context({"portal_url": "https://residents.example.org/"}.get)
    assert custom.portal_url == "https://residents.example.org"
    with pytest.raises(ConfigError):
        StageConfig.from_context({"portal_url": "http://residents.example.org"}.get)


def test_the_local_server_serves_the_portal_stand_in() -> None:
    answer = DevEndpoints(Mailbox()).answer("GET", "/_dev/portal")
    page = answer.body.decode()
    assert answer.status == 200 and "text/html" in dict(answer.headers)["content-type"]
    assert "/v1/auth/magic-link/verify" in page and "/_dev/mailbox" in page and "token" in page


def test_the_banner_says_how_to_try_the_portal() -> None:
    demo = DemoCommunity(name="Maple Grove HOA", slug="maple-grove-hoa", admin_email="a@x.io", admin_password="p",
                         portal_email="tess.tenant@maplegrove.example.com")
    text = render(api_url="http://127.0.0.1:8000", aws_url="http://127.0.0.1:4566", demo=demo, super_admin=None,
                  startup_s=1.0)
    assert "Resident portal  tenant tess.tenant@maplegrove.example.com" in text
    assert '/v1/auth/magic-link' in text and '"email": "tess.tenant@maplegrove.example.com"' in text
    assert "http://127.0.0.1:8000/_dev/mailbox" in text and "http://127.0.0.1:8000/_dev/portal" in text
    without = render(api_url="http://x", aws_url="http://y", demo=DemoCommunity(
        name="n", slug="s", admin_email="a@x.io", admin_password="p"), super_admin=None, startup_s=1.0)
    assert "Resident portal" not in without
