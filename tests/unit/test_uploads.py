"""The upload machinery without AWS: keys and names, sniffing, S3 events, and S3's POST-policy rules.

The POST forms checked here are made by the production builder (`shared.uploads.presign`, boto3's
own presigning: local computation, no request), and checked by the embedded S3's policy gate,
which implements S3's documented rules; the e2e tests post the same forms to the local runtime.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.embedded_aws import local_secret
from infra.local.s3_post_policy import check
from shared.platform import aws
from shared.spec.resources import ASSET_UPLOADS, ASSETS_BUCKET, UploadConsumer
from shared.uploads import notifications, presign, sniff
from shared.uploads.objects import object_key, parse_key, safe_name
from tests.support.files import PDF, PNG, SAMPLES, ZIP

pytestmark = pytest.mark.unit

BUCKET = "porchlight-test-assets"
KEY = "communities/01COMMUNITY/assets/01ASSET/minutes.pdf"


@pytest.fixture
def s3_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The production client (`shared.platform.aws`) pointed at an embedded AWS, as in the local runtime.

    Its credential is the test suite's fake one, session token included, as a Lambda role's would be.
    """
    from shared.platform.settings import settings

    monkeypatch.setenv("ASSETS_BUCKET", BUCKET)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    settings.cache_clear()
    aws.reset()
    yield aws.client("s3")
    aws.reset()
    settings.cache_clear()


@pytest.mark.parametrize(("given", "safe"), [
    ("Board Minutes (März).pdf", "Board_Minutes_Marz_.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\ann\\photo.JPG", "photo.JPG"),
    (".htaccess", "htaccess"),
    ("\u202egnp.exe", "gnp.exe"),
    ("日本語", "file"),
    ("a" * 300 + ".docx", "a" * 95 + ".docx"),
])
def test_safe_names(given: str, safe: str) -> None:
    assert safe_name(given) == safe
    assert len(safe_name(given)) <= 100


def test_object_keys_round_trip_and_refuse_anything_else() -> None:
    key = object_key("01COMMUNITY", "assets", "01ASSET", "Minutes 2024.pdf")
    assert key == "communities/01COMMUNITY/assets/01ASSET/Minutes_2024.pdf"
    parsed = parse_key(key)
    assert parsed is not None and (parsed.community_id, parsed.segment, parsed.object_id) == (
        "01COMMUNITY", "assets", "01ASSET")
    for bad in ("communities/01C/assets/01A", "other/01C/assets/01A/x.pdf", "communities/01C/assets/01A/a b.pdf",
                "communities/0#1/assets/01A/x.pdf", "communities/01C/assets/01A/x/y.pdf"):
        assert parse_key(bad) is None, bad
    with pytest.raises(ValueError):
        object_key("01C/../x", "assets", "01A", "x.pdf")


def test_a_consumer_owns_its_segment_only() -> None:
    imports = UploadConsumer(logical_id="ResidentImports", segment="imports", queue="ResidentImports")
    assert ASSET_UPLOADS.key_pattern == "communities/*/assets/*"
    assert imports.key_pattern == "communities/*/imports/*"
    pattern = notifications.event_pattern("b", imports)
    assert pattern["detail"]["object"]["key"] == [{"wildcard": "communities/*/imports/*"}]


@pytest.mark.parametrize("declared", sorted(SAMPLES))
def test_each_type_accepts_its_own_bytes_and_no_other_types(declared: str) -> None:
    text = {"text/csv", "text/plain"}
    for actual, data in SAMPLES.items():
        verdict = sniff.mismatch(declared, data[: sniff.HEAD_BYTES], lambda data=data: [data])  # type: ignore[misc]
        same = actual == declared or {actual, declared} <= text
        assert (verdict is None) == same, (declared, actual, verdict)


def test_text_must_be_utf8_without_nul_and_not_a_binary_format() -> None:
    def verdict(data: bytes) -> str | None:
        return sniff.mismatch("text/plain", data[:8192], lambda: [data[i:i + 3] for i in range(0, len(data), 3)])

    assert verdict("Grüße aus dem Vorstand\n".encode()) is None  # multi-byte characters split across chunks
    assert verdict(b"\xef\xbb\xbfwith a BOM\n") is None
    assert verdict("Latin-1 café".encode("latin-1")) == "the file is not UTF-8 text"
    assert verdict(b"text\x00with a NUL") == "the file is not UTF-8 text"
    assert verdict(PDF) == "the file is not UTF-8 text"  # an ASCII-only PDF is still a PDF
    assert verdict(b"") == "the file is empty"


def test_zip_containers_are_told_apart() -> None:
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert sniff.mismatch(docx, ZIP, lambda: [ZIP]) is not None
    assert "image/png" in str(sniff.mismatch("application/pdf", PNG, lambda: [PNG]))


def _event(key: str, **detail: Any) -> str:
    return json.dumps({"version": "0", "source": "aws.s3", "detail-type": "Object Created",
                       "detail": {"bucket": {"name": BUCKET}, "object": {"key": key, "size": 5, "etag": "e1"},
                                  **detail}})


def test_s3_events_parse_and_garbage_is_unusable() -> None:
    created = notifications.parse(_event(KEY))
    assert (created.bucket, created.key, created.size, created.etag) == (BUCKET, KEY, 5, "e1")
    assert created.parts is not None and created.parts.object_id == "01ASSET"
    assert notifications.parse(_event("elsewhere/x")).parts is None
    for body in ("nope", "{}", json.dumps({"source": "aws.s3", "detail-type": "Object Deleted"}),
                 json.dumps({"source": "aws.s3", "detail-type": "Object Created", "detail": {}})):
        with pytest.raises(notifications.Unusable):
            notifications.parse(body)


def _form(s3_client: Any, key: str = KEY, content_type: str = "application/pdf",
          max_bytes: int = 100) -> dict[str, str]:
    post = presign.presign_post(key, content_type=content_type, max_bytes=max_bytes)
    assert post.url == f"http://127.0.0.1:4566/{BUCKET}"
    return dict(post.fields)


def test_the_policy_binds_key_type_tag_and_size(s3_client: Any) -> None:
    fields = _form(s3_client)
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"key": KEY} in policy["conditions"]
    assert {"bucket": BUCKET} in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"tagging": presign.pending_tagging()} in policy["conditions"]
    assert ["content-length-range", 1, 100] in policy["conditions"]
    assert ASSETS_BUCKET.pending_tag[0] in fields["tagging"]
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)  # issue 17: short-lived


def test_s3_accepts_the_form_as_signed(s3_client: Any) -> None:
    fields = _form(s3_client)
    assert check(fields, 100, BUCKET, secret_for=local_secret) is None
    assert check(fields, 1, BUCKET, secret_for=local_secret) is None


@pytest.mark.parametrize(("change", "code"), [
    ({"key": "communities/01COMMUNITY/assets/01OTHER/minutes.pdf"}, "AccessDenied"),
    ({"key": "communities/02OTHER/assets/01ASSET/minutes.pdf"}, "AccessDenied"),
    ({"Content-Type": "text/html"}, "AccessDenied"),
    ({"tagging": "<Tagging><TagSet></TagSet></Tagging>"}, "AccessDenied"),
    ({"success_action_redirect": "https://evil.example"}, "AccessDenied"),  # a field the policy does not allow
    ({"x-amz-signature": "0" * 64}, "SignatureDoesNotMatch"),
])
def test_s3_refuses_another_key_type_tag_field_or_signature(s3_client: Any, change: dict[str, str], code: str) -> None:
    fields = {**_form(s3_client), **change}
    refusal = check(fields, 10, BUCKET, secret_for=local_secret)
    assert refusal is not None and (refusal.status, refusal.code) == (403, code)


def test_s3_refuses_more_bytes_than_the_policy_allows_and_an_empty_file(s3_client: Any) -> None:
    fields = _form(s3_client, max_bytes=100)
    too_big = check(fields, 101, BUCKET, secret_for=local_secret)
    assert too_big is not None and (too_big.status, too_big.code) == (400, "EntityTooLarge")
    empty = check(fields, 0, BUCKET, secret_for=local_secret)
    assert empty is not None and empty.code == "EntityTooSmall"


def test_s3_refuses_a_rewritten_policy_another_bucket_an_expired_form_or_no_policy(s3_client: Any) -> None:
    fields = _form(s3_client, max_bytes=100)
    policy = json.loads(base64.b64decode(fields["policy"]))
    policy["conditions"] = [c for c in policy["conditions"] if not isinstance(c, list)] + [
        ["content-length-range", 1, 10**9]]
    forged = {**fields, "policy": base64.b64encode(json.dumps(policy).encode()).decode()}
    assert check(forged, 10**6, BUCKET, secret_for=local_secret).code == "SignatureDoesNotMatch"  # type: ignore[union-attr]
    assert check(fields, 10, "another-bucket", secret_for=local_secret).code == "AccessDenied"  # type: ignore[union-attr]
    later = datetime.now(UTC) + timedelta(hours=2)
    expired = check(fields, 10, BUCKET, secret_for=local_secret, now=later)
    assert expired is not None and "expired" in expired.message
    unsigned = {k: v for k, v in fields.items() if k not in ("policy", "x-amz-signature")}
    assert check(unsigned, 10, BUCKET, secret_for=local_secret).code == "AccessDenied"  # type: ignore[union-attr]
    assert check(fields, 10, BUCKET, secret_for=lambda key: None).code == "InvalidAccessKeyId"  # type: ignore[union-attr]


def test_download_urls_save_the_file_under_a_safe_name(s3_client: Any) -> None:
    got = presign.presign_get(KEY, filename="Minutes März.pdf", content_type="application/pdf")
    assert got.url.startswith(f"http://127.0.0.1:4566/{BUCKET}/{KEY}?")
    assert "response-content-disposition=attachment" in got.url and "X-Amz-Expires=300" in got.url
    assert presign.content_disposition("Minutes März.pdf") == (
        "attachment; filename=\"Minutes_Marz.pdf\"; filename*=UTF-8''Minutes%20M%C3%A4rz.pdf")
    assert presign.content_disposition('a"b\r\nX-Evil: 1.txt').count("\n") == 0


def test_the_gate_passes_signed_forms_to_moto_and_answers_refusals_itself(s3_client: Any) -> None:
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    from infra.local.s3_post_policy import PostPolicyGate

    reached: list[bytes] = []

    def moto(environ: dict[str, Any], start_response: Any) -> Any:
        reached.append(environ["wsgi.input"].read())
        return Response("stored", status=204)(environ, start_response)

    client = Client(PostPolicyGate(moto, local_secret, ["http://localhost:5173"]))
    fields = _form(s3_client, max_bytes=len(PDF))
    ok = client.post(f"/{BUCKET}", data={**fields, "file": (io.BytesIO(PDF), "m.pdf")})
    assert ok.status_code == 204 and len(reached) == 1 and PDF in reached[0]  # moto gets the same bytes
    refused = client.post(f"/{BUCKET}", headers={"Origin": "http://localhost:5173"},
                          data={**fields, "file": (io.BytesIO(PDF + b"!"), "m.pdf")})
    assert refused.status_code == 400 and b"<Code>EntityTooLarge</Code>" in refused.data
    assert refused.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"  # the SPA can read why
    assert len(reached) == 1
    other = client.post(f"/{BUCKET}?delete", data=b"<Delete/>", content_type="application/xml")
    assert other.status_code == 204 and len(reached) == 2  # not a form upload: moto's business
