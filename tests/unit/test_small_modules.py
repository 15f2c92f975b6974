import pytest

from shared.identity import slugs
from shared.platform import errors, signing
from shared.platform.errors import ERROR_CODES
from shared.platform.http import STATUS_OF_CODE, status_of
from shared.platform.masking import mask_address, mask_email, mask_phone

pytestmark = pytest.mark.unit

CONTRACT_CODES = {
    "VALIDATION_FAILED": 422, "INVALID_CURSOR": 400, "AUTH_REQUIRED": 401, "AUTH_INVALID_CREDENTIALS": 401,
    "AUTH_TOKEN_INVALID": 401, "AUTH_TOKEN_REUSED": 401, "MFA_INVALID_CODE": 401, "AUTH_LOCKED": 429,
    "RATE_LIMITED": 429, "MFA_ENROLLMENT_REQUIRED": 403, "MFA_REQUIRED_BY_POLICY": 403, "EMAIL_UNVERIFIED": 403,
    "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409, "IDEMPOTENCY_KEY_REUSED": 409,
    "RECIPIENT_SUPPRESSED": 409, "PAYLOAD_TOO_LARGE": 413, "UNSUPPORTED_MEDIA_TYPE": 415,
    "TEMPLATE_VARIABLES_MISSING": 422, "NOTICE_RULE_FAILED": 422, "INTERNAL": 500,
}


def test_error_codes_are_exactly_the_contracts() -> None:
    assert set(CONTRACT_CODES) == ERROR_CODES
    assert STATUS_OF_CODE == CONTRACT_CODES  # the edge's one mapping says the contract's status for each


def test_domain_errors_carry_no_http_status() -> None:
    """Issue 16: the status lives at the HTTP edge only; a domain error is its code, message and details."""
    for cls in (errors.ApiError, *errors.ApiError.__subclasses__()):
        assert not hasattr(cls, "status"), cls
        assert status_of(cls()) == CONTRACT_CODES[cls.code]


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


def test_rotation_keeps_retired_keys_for_links_but_tokens_accept_them_a_day() -> None:
    t0 = 1_000_000
    doc = signing.rotated({"kid": "a", "secret": "sa"}, new_kid="b", new_secret="sb", now_epoch=t0)
    ring = signing.parse(doc)
    assert ring.current_kid == "b" and set(ring.keys) == {"a", "b"}
    day = signing.RETIRED_KEY_GRACE_S
    assert ring.accepts("a", retired_within_s=day, now_epoch=t0 + day - 1)
    assert not ring.accepts("a", retired_within_s=day, now_epoch=t0 + day + 1)  # JWTs, cursors
    assert ring.accepts("a", retired_within_s=signing.LINK_KEY_RETENTION_S, now_epoch=t0 + 60 * day)  # links
    assert ring.accepts("b", retired_within_s=0, now_epoch=t0 + 10**9)  # the current key, always
    monthly = t0
    for n in range(14):  # fourteen monthly rotations: keys older than the retention are dropped
        monthly += 30 * day
        doc = signing.rotated(doc, new_kid=f"k{n}", new_secret="s", now_epoch=monthly)
    ring = signing.parse(doc)
    assert "a" not in ring.keys and ring.current_kid == "k13"  # a: retired 420 days ago
    assert all(at > monthly - signing.LINK_KEY_RETENTION_S for at in ring.retired_at.values())


def test_derived_keys_differ_by_purpose() -> None:
    ring = signing.parse({"kid": "a", "secret": "s"})
    assert ring.derived("cursor") != ring.derived("unsubscribe") != ring.current


def test_outbox_chunks_round_trip_and_refuse_nonsense() -> None:
    from shared.messaging import chunks

    ids = [f"m{i}" for i in range(250)]
    parts = chunks.split("c1", "k1", ids)
    size = chunks.CHUNK_SIZE
    assert [len(p.message_ids) for p in parts] == [size, size, 250 - 2 * size]
    assert chunks.parse(parts[2].body()) == parts[2]
    assert chunks.parse('{"community_id": "c1", "message_id": "m1"}') is None
    for bad in ('{"kind": "chunk", "community_id": "c", "message_ids": []}',
                '{"kind": "chunk", "community_id": "c", "message_ids": [1]}',
                '{"kind": "chunk", "community_id": "c", "message_ids": ' + str(ids[:size + 1]).replace("'", '"') + "}"):
        with pytest.raises(ValueError):
            chunks.parse(bad)
