"""Work-order attachments on moto: announce → S3 object → the WorkOrderFiles worker → ready with a thumbnail;
a PDF declared as a JPEG rejected and removed; types and sizes; who may attach and read; downloads.

Objects are put with boto3 (the presigned POST itself goes over HTTP in tests/e2e/test_work_orders_http.py);
moto turns each put into the S3 → EventBridge → SQS event the stack's rule delivers, and the test hands that
queue's messages to the worker as Lambda would. Tenants are portal users linked to resident records.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from functions.workers import verify_work_order_files
from infra.local.sqs_poller import sqs_record
from shared.identity import service as identity_service
from shared.maintenance import file_repository
from shared.maintenance.files import MAX_PER_ORDER
from shared.platform import clock
from shared.platform.context import RequestMeta
from shared.residents import repository as residents_repository
from shared.spec.permissions import Role
from shared.uploads import thumbnail
from shared.uploads.objects import derived_key, verified_key
from tests.integration.test_property_scope import assign, member
from tests.support.api import Answer, FakeContext, call
from tests.support.files import MP4, PDF, PNG
from tests.support.photos import photo, size_of
from tests.support.portal import add_resident_user
from tests.support.properties import new_property, new_resident, new_tenancy, new_unit, ok
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration

QUEUE = "WorkOrderFiles"


@pytest.fixture
def world(aws_env: dict[str, Any]) -> dict[str, Any]:
    """Two rental properties, each a unit leased to a tenant who signs in to the portal; an order on a's unit."""
    from tests.integration.conftest import signup

    admin = signup()
    token, cid = admin["access_token"], admin["community"]["id"]
    start = (clock.now() - timedelta(days=30)).date().isoformat()
    found: dict[str, Any] = {"token": token, "community_id": cid, "aws": aws_env}
    for key in ("a", "b"):
        prop = new_property(token, f"Property {key}")
        unit = new_unit(token, prop["id"], "1")
        tenant = new_resident(token, f"Tenant{key}")
        new_tenancy(token, unit["id"], [tenant["id"]], start)
        record = residents_repository.get(cid, tenant["id"])
        assert record is not None
        user = add_resident_user(cid, Role.TENANT, record)
        found[key] = {"property": prop, "unit": unit,
                      "tenant": identity_service.start_session(user, None, RequestMeta()).access_token}
    found["order"] = ok(call("POST", "/v1/work-orders", token=found["a"]["tenant"], json_body={
        "unit_id": found["a"]["unit"]["id"], "title": "Leak under the sink", "description": "A puddle every morning",
        "category": "plumbing", "answers": {"active_leak": True}}), 201)
    return found


def path(order_id: str, tail: str = "") -> str:
    return f"/v1/work-orders/{order_id}/attachments{tail}"


def announce(token: str, order_id: str, data: bytes | None = None, filename: str = "leak.jpg",
             content_type: str = "image/jpeg", size: int | None = None) -> Answer:
    body = {"filename": filename, "content_type": content_type, "size": size if size is not None else len(data or b"")}
    return call("POST", path(order_id), token=token, json_body=body)


def bucket(world: dict[str, Any]) -> str:
    return str(world["aws"]["env"]["ASSETS_BUCKET"])


def deliver(world: dict[str, Any], times: int = 1) -> dict[str, Any]:
    """Hand every message on the WorkOrderFiles queue to the worker (`times` times: a redelivery)."""
    sqs, url = boto3.client("sqs"), world["aws"]["queues"][QUEUE]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert messages, "no S3 event reached the WorkOrderFiles queue"
    result: dict[str, Any] = {}
    for _ in range(times):
        result = verify_work_order_files.handler({"Records": [sqs_record(m, arn) for m in messages]}, FakeContext())
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return result


def upload(world: dict[str, Any], token: str, data: bytes, **fields: Any) -> dict[str, Any]:
    created = ok(announce(token, world["order"]["id"], data, **fields), 201)
    boto3.client("s3").put_object(Bucket=bucket(world), Key=created["upload"]["fields"]["key"], Body=data)
    assert deliver(world) == {"batchItemFailures": []}
    return created


def keys_under(world: dict[str, Any], prefix: str) -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket(world), Prefix=prefix).get("Contents", [])
    return sorted(o["Key"] for o in listed)


def fetch(world: dict[str, Any], key: str) -> bytes:
    return bytes(boto3.client("s3").get_object(Bucket=bucket(world), Key=key)["Body"].read())


def test_a_tenants_photo_becomes_ready_with_a_thumbnail(world: dict[str, Any]) -> None:
    tenant, order_id, cid = world["a"]["tenant"], world["order"]["id"], world["community_id"]
    original = photo(1600, 1200)
    created = ok(announce(tenant, order_id, original, filename="Sink leak (Mär).jpg"), 201)
    item = created["attachment"]
    assert item["status"] == "pending" and item["kind"] == "image" and item["has_thumbnail"] is False
    assert (item["filename"], item["content_type"], item["size"]) == ("Sink leak (Mär).jpg", "image/jpeg",
                                                                      len(original))
    fields = created["upload"]["fields"]
    key = f"communities/{cid}/work-orders/{item['id']}/Sink_leak_Mar_.jpg"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert fields["key"] == key and {"key": key} in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert ["content-length-range", 1, len(original)] in policy["conditions"]

    boto3.client("s3").put_object(Bucket=bucket(world), Key=key, Body=original)
    assert deliver(world, times=2) == {"batchItemFailures": []}  # a redelivery changes nothing
    (listed,) = ok(call("GET", path(order_id), token=tenant))["items"]
    assert listed["status"] == "ready" and listed["has_thumbnail"] is True and listed["id"] == item["id"]
    stored = file_repository.get(cid, item["id"])
    assert stored is not None and stored.etag and stored.expires_at is None
    small = derived_key(key, stored.etag, thumbnail.LABEL)
    # The upload object is gone; the verified original and the thumbnail stay.
    assert keys_under(world, f"communities/{cid}/work-orders/{item['id']}/") == sorted(
        [verified_key(key, stored.etag), small])
    assert fetch(world, verified_key(key, stored.etag)) == original
    thumb = fetch(world, small)
    assert size_of(thumb) == (320, 240) and len(thumb) < len(original)

    # The order shows it, and its events record who attached what.
    shown = ok(call("GET", f"/v1/work-orders/{order_id}", token=tenant))
    assert [a["id"] for a in shown["attachments"]] == [item["id"]] and shown["attachments"][0]["status"] == "ready"
    events = ok(call("GET", f"/v1/work-orders/{order_id}/events", token=world["token"]))["items"]
    assert events[-1]["kind"] == "attachment" and events[-1]["detail"]["attachment_id"] == item["id"]

    # Downloads: the original (its name, its type) and the thumbnail, 5-minute presigned GETs of the kept keys.
    original_url = ok(call("GET", path(order_id, f"/{item['id']}/download"), token=tenant))
    assert verified_key(key, stored.etag).split("/")[-2] in original_url["url"] and "X-Amz-Expires=300" in \
        original_url["url"]
    thumb_url = ok(call("GET", path(order_id, f"/{item['id']}/download"), token=tenant,
                        query={"variant": "thumbnail"}))
    assert "/derived/" in thumb_url["url"] and "thumbnail.jpg" in thumb_url["url"]
    assert call("GET", path(order_id, f"/{item['id']}/download"), token=tenant,
                query={"variant": "huge"}).status == 422


def test_a_pdf_declared_as_a_jpeg_is_rejected_and_removed(world: dict[str, Any]) -> None:
    tenant, order_id, cid = world["a"]["tenant"], world["order"]["id"], world["community_id"]
    created = upload(world, tenant, PDF)
    (listed,) = ok(call("GET", path(order_id), token=tenant))["items"]
    assert listed["status"] == "rejected" and listed["has_thumbnail"] is False
    assert "application/pdf" in listed["rejection_reason"]
    assert keys_under(world, f"communities/{cid}/work-orders/") == []
    download = call("GET", path(order_id, f"/{created['attachment']['id']}/download"), token=tenant)
    assert download.status == 409 and download.body["error"]["code"] == "CONFLICT"


def test_bytes_that_look_like_a_jpeg_but_do_not_decode_are_rejected(world: dict[str, Any]) -> None:
    tenant, cid = world["a"]["tenant"], world["community_id"]
    broken = b"\xff\xd8\xff\xe0" + b"\x00" * 300
    upload(world, tenant, broken)
    (listed,) = ok(call("GET", path(world["order"]["id"]), token=tenant))["items"]
    assert listed["status"] == "rejected" and "cannot be read" in listed["rejection_reason"]
    assert keys_under(world, f"communities/{cid}/work-orders/") == []  # neither upload nor verified copy


def test_a_video_is_ready_without_a_thumbnail(world: dict[str, Any]) -> None:
    staff, order_id = world["token"], world["order"]["id"]
    created = upload(world, staff, MP4, filename="drip.mp4", content_type="video/mp4")
    item = ok(call("GET", path(order_id), token=staff))["items"][0]
    assert (item["status"], item["kind"], item["has_thumbnail"]) == ("ready", "video", False)
    download = path(order_id, f"/{created['attachment']['id']}/download")
    assert ok(call("GET", download, token=staff))["url"]
    none = call("GET", download, token=staff, query={"variant": "thumbnail"})
    assert none.status == 404 and none.body["error"]["code"] == "NOT_FOUND"


def test_an_iphone_heic_photo_gets_a_jpeg_thumbnail(world: dict[str, Any]) -> None:
    tenant, order_id, cid = world["a"]["tenant"], world["order"]["id"], world["community_id"]
    heic = photo(1024, 768, fmt="HEIF")
    created = upload(world, tenant, heic, filename="IMG_0042.HEIC", content_type="image/heic")
    (item,) = ok(call("GET", path(order_id), token=tenant))["items"]
    assert (item["status"], item["has_thumbnail"]) == ("ready", True)
    stored = file_repository.get(cid, created["attachment"]["id"])
    assert stored is not None and stored.etag
    small = fetch(world, derived_key(stored.object_key, stored.etag, thumbnail.LABEL))
    assert small[:3] == b"\xff\xd8\xff" and size_of(small) == (320, 240)


def test_png_and_a_pending_attachment(world: dict[str, Any]) -> None:
    staff, order_id = world["token"], world["order"]["id"]
    upload(world, staff, photo(500, 700, fmt="PNG", mode="RGBA"), filename="wall.png", content_type="image/png")
    pending = ok(announce(staff, order_id, PNG, filename="later.png", content_type="Image/PNG; x=1"), 201)
    assert pending["attachment"]["content_type"] == "image/png"
    items = ok(call("GET", path(order_id), token=staff))["items"]
    assert [(i["filename"], i["status"], i["has_thumbnail"]) for i in items] == [
        ("wall.png", "ready", True), ("later.png", "pending", False)]
    early = call("GET", path(order_id, f"/{pending['attachment']['id']}/download"), token=staff)
    assert early.status == 409


def test_types_and_sizes_of_the_contract(world: dict[str, Any]) -> None:
    staff, order_id = world["token"], world["order"]["id"]
    for content_type in ("application/pdf", "image/gif", "text/plain"):
        refused = announce(staff, order_id, filename="x", content_type=content_type, size=10)
        assert refused.status == 422 and refused.body["error"]["details"][0]["field"] == "content_type"
    too_big = announce(staff, order_id, filename="big.heic", content_type="image/heic", size=15 * 1024 * 1024 + 1)
    assert too_big.status == 413 and too_big.body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert announce(staff, order_id, filename="big.heic", content_type="image/heic", size=15 * 1024 * 1024).status \
        == 201
    assert announce(staff, order_id, filename="v.mov", content_type="video/quicktime",
                    size=200 * 1024 * 1024 + 1).status == 413
    for bad in ({"filename": "x.jpg", "content_type": "image/jpeg", "size": 0},
                {"filename": "x.jpg", "content_type": "image/jpeg", "size": "12"},
                {"filename": "", "content_type": "image/jpeg", "size": 12},
                {"filename": "x.jpg", "content_type": "image/jpeg", "size": 12, "public": True}):
        assert call("POST", path(order_id), token=staff, json_body=bad).status == 422, bad


def test_an_order_holds_at_most_twenty(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Rejected uploads count too (the list stays short); an abandoned one stops counting after a day."""
    staff, order_id = world["token"], world["order"]["id"]
    upload(world, staff, PDF)  # rejected
    for _ in range(MAX_PER_ORDER - 1):
        ok(announce(staff, order_id, PNG, filename="p.png", content_type="image/png"), 201)
    full = announce(staff, order_id, PNG, filename="p.png", content_type="image/png")
    assert full.status == 409 and full.body["error"]["code"] == "CONFLICT"
    assert len(ok(call("GET", path(order_id), token=staff))["items"]) == MAX_PER_ORDER
    # A day on for storage only (tokens would expire if the whole clock travelled): pending ones are abandoned.
    later = int((clock.now() + timedelta(days=1, minutes=1)).timestamp())
    monkeypatch.setattr(file_repository, "clock", SimpleNamespace(epoch=lambda: later, now=clock.now))
    assert [i["status"] for i in ok(call("GET", path(order_id), token=staff))["items"]] == ["rejected"]
    assert announce(staff, order_id, PNG, filename="p.png", content_type="image/png").status == 201


def test_who_may_attach_and_read(world: dict[str, Any]) -> None:
    cid, order_id, a, b = world["community_id"], world["order"]["id"], world["a"], world["b"]
    created = upload(world, a["tenant"], photo(400, 300))
    aid = created["attachment"]["id"]
    # Another tenant (of another property) and another community: 404 on all three routes.
    from tests.integration.conftest import signup

    stranger = signup(name="Elm Court", email="eve@example.com")["access_token"]
    for token in (b["tenant"], stranger):
        assert announce(token, order_id, PNG).status == 404
        assert call("GET", path(order_id), token=token).status == 404
        refused = call("GET", path(order_id, f"/{aid}/download"), token=token)
        assert refused.status == 404 and refused.body["error"]["code"] == "NOT_FOUND"
    # An attachment id of another order is not found through this one.
    other = ok(call("POST", "/v1/work-orders", token=b["tenant"], json_body={
        "unit_id": b["unit"]["id"], "title": "Loose tile", "description": "Bathroom floor",
        "category": "structural", "answers": {}}), 201)
    assert call("GET", path(other["id"], f"/{aid}/download"), token=world["token"]).status == 404
    # A scoped manager of the other property: 404; of this one: may attach. Board and a property owner read only.
    elsewhere_id, elsewhere = member(cid, Role.MANAGER)
    assign(world, elsewhere_id, [b["property"]["id"]])
    assert call("GET", path(order_id), token=elsewhere).status == 404
    here_id, here = member(cid, Role.MANAGER)
    assign(world, here_id, [a["property"]["id"]])
    assert announce(here, order_id, PNG, filename="m.png", content_type="image/png").status == 201
    owner_id, owner = member(cid, Role.PROPERTY_OWNER)
    assign(world, owner_id, [a["property"]["id"]])
    _, board = member(cid, Role.BOARD)
    for reader in (owner, board):
        assert call("GET", path(order_id), token=reader).status == 200
        assert call("GET", path(order_id, f"/{aid}/download"), token=reader).status == 200
        assert announce(reader, order_id, PNG, filename="r.png", content_type="image/png").status == 403


def test_objects_without_an_attachment_are_deleted(world: dict[str, Any]) -> None:
    cid = world["community_id"]
    stray = f"communities/{cid}/work-orders/01NOSUCHATTACHMENT/x.jpg"
    boto3.client("s3").put_object(Bucket=bucket(world), Key=stray, Body=photo(50, 50))
    assert deliver(world) == {"batchItemFailures": []}
    assert keys_under(world, f"communities/{cid}/work-orders/") == []


def test_a_repost_after_the_verdict_is_deleted_unread(world: dict[str, Any]) -> None:
    tenant, cid = world["a"]["tenant"], world["community_id"]
    created = upload(world, tenant, photo(300, 200))
    key = created["upload"]["fields"]["key"]
    boto3.client("s3").put_object(Bucket=bucket(world), Key=key, Body=PDF)
    assert deliver(world) == {"batchItemFailures": []}
    stored = file_repository.get(cid, created["attachment"]["id"])
    assert stored is not None and stored.status == "ready"
    assert key not in keys_under(world, f"communities/{cid}/work-orders/")
    assert fetch(world, verified_key(key, stored.etag or "")) != PDF


def test_adding_is_audited(world: dict[str, Any]) -> None:
    audit_events(world["aws"])
    ok(announce(world["token"], world["order"]["id"], PNG, filename="p.png", content_type="image/png"), 201)
    actions = [e.action for e in audit_events(world["aws"])]
    assert "work_order.attachment_added" in actions


def test_the_sample_events(world: dict[str, Any]) -> None:
    """events/api-work-order-attachment-create.json, sqs-work-order-file-uploaded.json and
    api-work-order-attachment-download.json, this test's ids filled in: the announced photo is decided by the
    worker from the sample's record, and its thumbnail's link is handed out."""
    from functions.api.work_orders import attachments_create
    from tests.integration.test_residents_sample_events import _as_caller

    events_dir = Path(__file__).resolve().parents[2] / "events"
    cid, order_id = world["community_id"], world["order"]["id"]
    sample = _as_caller(json.loads((events_dir / "api-work-order-attachment-create.json").read_text()),
                        world["a"]["tenant"])
    sample["pathParameters"]["id"] = order_id
    sample["rawPath"] = sample["requestContext"]["http"]["path"] = path(order_id)
    body = json.loads(sample["body"])
    data = photo(640, 480)
    sample["body"] = json.dumps(body | {"size": len(data)})
    answer = attachments_create.handler(sample, FakeContext())
    assert answer["statusCode"] == 201, answer
    created = json.loads(answer["body"])
    key = created["upload"]["fields"]["key"]
    boto3.client("s3").put_object(Bucket=bucket(world), Key=key, Body=data)
    etag = boto3.client("s3").head_object(Bucket=bucket(world), Key=key)["ETag"].strip('"')
    record = json.loads((events_dir / "sqs-work-order-file-uploaded.json").read_text())
    message = json.loads(record["Records"][0]["body"])
    message["detail"]["bucket"]["name"] = bucket(world)
    message["detail"]["object"] |= {"key": key, "size": len(data), "etag": etag}
    record["Records"][0]["body"] = json.dumps(message)
    assert verify_work_order_files.handler(record, FakeContext()) == {"batchItemFailures": []}
    stored = file_repository.get(cid, created["attachment"]["id"])
    assert stored is not None and stored.status == "ready" and stored.has_thumbnail
    # events/api-work-order-attachment-download.json: the thumbnail's link.
    from functions.api.work_orders import attachments_download

    fetched = _as_caller(json.loads((events_dir / "api-work-order-attachment-download.json").read_text()),
                         world["a"]["tenant"])
    fetched["pathParameters"] = {"id": order_id, "aid": stored.id}
    fetched["rawPath"] = fetched["requestContext"]["http"]["path"] = path(order_id, f"/{stored.id}/download")
    answer = attachments_download.handler(fetched, FakeContext())
    assert answer["statusCode"] == 200, answer
    assert "/derived/" in json.loads(answer["body"])["url"]
