import pytest

from shared.identity import slugs
from shared.platform import signing
from shared.platform.errors import ERROR_CODES
from shared.platform.masking import mask_address, mask_email, mask_phone

pytestmark = pytest.mark.unit

CONTRACT_CODES = {
    "VALIDATION_FAILED": 422, "INVALID_CURSOR": 400, "AUTH_REQUIRED": 401, "AUTH_INVALID_CREDENTIALS": 401,
    "AUTH_TOKEN_INVALID": 401, "AUTH_TOKEN_REUSED": 401, "MFA_INVALID_CODE": 401, "AUTH_LOCKED": 429,
    "RATE_LIMITED": 429, "MFA_ENROLLMENT_REQUIRED": 403, "MFA_REQUIRED_BY_POLICY": 403, "EMAIL_UNVERIFIED": 403,
    "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409, "IDEMPOTENCY_KEY_REUSED": 409,
    "RECIPIENT_SUPPRESSED": 409, "PAYLOAD_TOO_LARGE": 413, "TEMPLATE_VARIABLES_MISSING": 422, "INTERNAL": 500,
}


def test_error_codes_are_exactly_the_contracts() -> None:
    assert ERROR_CODES == CONTRACT_CODES


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Maple Grove HOA", "maple-grove-hoa"), ("  Château d'Eau  ", "chateau-d-eau"), ("A/B  Condos!!", "a-b-condos")],
)
def test_slug_derivation(name: str, slug: str) -> None:
    assert slugs.derive(name) == slug


def test_short_or_reserved_slugs_get_a_suffix() -> None:
    for name in ("AB", "Admin", "???"):
        slug = slugs.derive(name)
        assert len(slug) >= 6 and slug not in slugs.RESERVED


def test_slug_candidates_are_distinct_and_bounded() -> None:
    candidates = slugs.candidates("x" * 100)
    assert len(set(candidates)) == len(candidates)
    assert all(len(c) <= slugs.MAX_LENGTH for c in candidates)


def test_masking_never_shows_the_whole_address() -> None:
    assert mask_email("ann.smith@example.com") == "a***@example.com"
    assert mask_phone("+14165550123") == "+1***23"
    assert mask_address("+14165550123") == "+1***23"
    assert mask_address(None) == "***"


def test_rotation_keeps_the_previous_key_for_a_day_then_drops_it() -> None:
    doc = {"kid": "a", "secret": "sa"}
    doc = signing.rotated(doc, new_kid="b", new_secret="sb", now_epoch=1_000_000)
    assert signing.parse(doc).current_kid == "b"
    assert set(signing.parse(doc).keys) == {"a", "b"}
    later = 1_000_000 + signing.RETIRED_KEY_GRACE_S + 1
    doc = signing.rotated(doc, new_kid="c", new_secret="sc", now_epoch=later)
    assert set(signing.parse(doc).keys) == {"b", "c"}


def test_derived_keys_differ_by_purpose() -> None:
    ring = signing.parse({"kid": "a", "secret": "s"})
    assert ring.derived("cursor") != ring.derived("unsubscribe") != ring.current
