"""The assets API and the upload verifier on moto: intent, S3 event → verdict, roles, lists, edits, deletes.

Objects are put into the bucket with boto3 (the presigned POST itself is exercised over HTTP in
tests/e2e/test_assets_http.py); moto turns each put into the S3 → EventBridge → SQS event the
stack's rule delivers, and the test hands that queue's messages to the worker, as Lambda would.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pyotp
import pytest

from functions.workers import verify_assets
from infra.local.sqs_poller import sqs_record
from shared.assets import repository, service
from shared.assets.models import Status
from shared.identity.models import User
from shared.platform import clock, cursor
from shared.platform.errors import ValidationFailed
from shared.platform.http import status_of
from shared.spec.permissions import Role
from shared.uploads.objects import verified_key
from tests.integration.conftest import signup
from tests.support import users
from tests.support.api import Answer, FakeContext, call
from tests.support.files import CSV, GIF, JPEG, PDF, PNG
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration


@pytest.fixture
def admin() -> dict[str, Any]:
    return signup()


def token_of(body: dict[str, Any]) -> str:
    return str(body["access_token"])


def login(community_slug: str, user: User) -> str:
    answer = call("POST", "/v1/auth/login",
                  json_body={"community": community_slug, "email": user.email, "password": users.PASSWORD})
    assert answer.status == 200, answer.body
    if answer.body.get("mfa_required"):
        code = pyotp.TOTP(users.TOTP_SECRET).at(clock.epoch())
        answer = call("POST", "/v1/auth/mfa/verify", json_body={"mfa_token": answer.body["mfa_token"], "code": code})
        assert answer.status == 200, answer.body
    return str(answer.body["access_token"])


def token_for(admin: dict[str, Any], role: Role) -> str:
    return login(admin["community"]["slug"], users.add_member(admin["community"]["id"], role))


def announce(token: str, filename: str = "minutes.pdf", content_type: str = "application/pdf", size: int = len(PDF),
             **extra: Any) -> Answer:
    return call("POST", "/v1/assets", token=token,
                json_body={"filename": filename, "content_type": content_type, "size": size, **extra})


def announced(token: str, **fields: Any) -> dict[str, Any]:
    answer = announce(token, **fields)
    assert answer.status == 201, answer.body
    return answer.body  # type: ignore[no-any-return]


def bucket(aws_env: dict[str, Any]) -> str:
    return str(aws_env["env"]["ASSETS_BUCKET"])


def put(aws_env: dict[str, Any], created: dict[str, Any], data: bytes) -> None:
    boto3.client("s3").put_object(Bucket=bucket(aws_env), Key=created["upload"]["fields"]["key"], Body=data)


def deliver(aws_env: dict[str, Any], times: int = 1) -> dict[str, Any]:
    """Hand every message on the AssetUploads queue to the worker (`times` times: a redelivery)."""
    sqs, url = boto3.client("sqs"), aws_env["queues"]["AssetUploads"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert messages, "no S3 event reached the queue"
    result: dict[str, Any] = {}
    for _ in range(times):
        result = verify_assets.handler({"Records": [sqs_record(m, arn) for m in messages]}, FakeContext())
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return result


def object_exists(aws_env: dict[str, Any], key: str) -> bool:
    return bool(boto3.client("s3").list_objects_v2(Bucket=bucket(aws_env), Prefix=key).get("KeyCount"))


def upload(aws_env: dict[str, Any], token: str, data: bytes, **fields: Any) -> dict[str, Any]:
    created = announced(token, size=len(data), **fields)
    put(aws_env, created, data)
    assert deliver(aws_env) == {"batchItemFailures": []}
    return created


def verified(community_id: str, created: dict[str, Any]) -> str:
    """The key of the asset's verified copy (what downloads serve)."""
    stored = repository.get(community_id, created["asset"]["id"])
    assert stored is not None and stored.etag
    return verified_key(stored.object_key, stored.etag)


def object_bytes(aws_env: dict[str, Any], key: str) -> bytes:
    return bytes(boto3.client("s3").get_object(Bucket=bucket(aws_env), Key=key)["Body"].read())


def asset(token: str, asset_id: str) -> Answer:
    return call("GET", f"/v1/assets/{asset_id}", token=token)


def test_announce_answers_the_pending_asset_and_a_post_bound_to_key_type_and_size(
        admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    created = announced(token, filename="Board Minutes (Jan).pdf", folder="/board/minutes/", tags=["2024", "2024"],
                        visibility="owners")
    item = created["asset"]
    assert item["status"] == "pending" and item["name"] == "Board Minutes (Jan).pdf"
    assert (item["folder"], item["tags"], item["visibility"], item["size"]) == (
        "board/minutes", ["2024"], "owners", len(PDF))
    fields = created["upload"]["fields"]
    key = f"communities/{admin['community']['id']}/assets/{item['id']}/Board_Minutes_Jan_.pdf"
    assert fields["key"] == key and fields["Content-Type"] == "application/pdf"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"key": key} in policy["conditions"] and {"Content-Type": "application/pdf"} in policy["conditions"]
    assert ["content-length-range", 1, len(PDF)] in policy["conditions"]
    assert created["upload"]["url"].endswith(bucket(aws_env)) or bucket(aws_env) in created["upload"]["url"]
    stored = repository.get(admin["community"]["id"], item["id"])
    assert stored is not None and stored.expires_at is not None
    assert 24 * 3600 - 5 <= stored.expires_at - clock.epoch() <= 24 * 3600
    assert [e.action for e in audit_events(aws_env)][-1] == "asset.created"


@pytest.mark.parametrize(("content_type", "size", "status", "code", "field"), [
    ("application/x-msdownload", 10, 422, "VALIDATION_FAILED", "content_type"),
    ("text/html", 10, 422, "VALIDATION_FAILED", "content_type"),
    ("image/svg+xml", 10, 422, "VALIDATION_FAILED", "content_type"),
    ("image/png", 10 * 1024 * 1024 + 1, 413, "PAYLOAD_TOO_LARGE", "size"),
    ("application/pdf", 25 * 1024 * 1024 + 1, 413, "PAYLOAD_TOO_LARGE", "size"),
    ("video/mp4", 200 * 1024 * 1024 + 1, 413, "PAYLOAD_TOO_LARGE", "size"),
    ("image/png", 0, 422, "VALIDATION_FAILED", "size"),
])
def test_types_and_sizes_follow_the_contracts_table(admin: dict[str, Any], content_type: str, size: int, status: int,
                                                     code: str, field: str) -> None:
    answer = announce(token_of(admin), filename="f", content_type=content_type, size=size)
    assert answer.status == status, answer.body
    assert answer.body["error"]["code"] == code
    assert [d["field"] for d in answer.body["error"]["details"]] == [field]


def test_types_are_normalised_and_limits_are_inclusive(admin: dict[str, Any]) -> None:
    created = announced(token_of(admin), filename="list.csv", content_type="Text/CSV; charset=utf-8", size=25 * 2**20)
    assert created["asset"]["content_type"] == "text/csv" and created["upload"]["fields"]["Content-Type"] == "text/csv"
    for bad in ({"filename": ""}, {"size": "12"}, {"size": True}, {"visibility": "public"}, {"folder": "a//b"},
                {"folder": "../x"}, {"tags": ["x"] * 21}, {"extra": 1}):
        answer = announce(token_of(admin), **{"filename": "f.pdf", **bad})  # type: ignore[arg-type]
        assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED", (bad, answer.body)


def test_matching_bytes_make_it_ready_and_a_redelivered_event_changes_nothing(
        admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, community_id = token_of(admin), admin["community"]["id"]
    created = announced(token, filename="logo.png", content_type="image/png", size=len(PNG))
    put(aws_env, created, PNG)
    assert deliver(aws_env, times=2) == {"batchItemFailures": []}
    item = asset(token, created["asset"]["id"]).body
    assert item["status"] == "ready" and item["size"] == len(PNG) and item["rejection_reason"] is None
    stored = repository.get(community_id, item["id"])
    assert stored is not None and stored.expires_at is None and stored.etag
    copy = verified(community_id, created)
    tags = boto3.client("s3").get_object_tagging(Bucket=bucket(aws_env), Key=copy)["TagSet"]
    assert tags == []  # accepted: the lifecycle rule for pending uploads does not apply to the verified copy
    assert object_bytes(aws_env, copy) == PNG
    assert not object_exists(aws_env, stored.object_key)  # the upload itself is done with
    assert service.require_ready_image(community_id, item["id"]).id == item["id"]


def test_bytes_of_another_type_are_rejected_and_the_object_deleted(admin: dict[str, Any],
                                                                   aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    created = announced(token, filename="minutes.pdf", content_type="application/pdf", size=len(PNG))
    put(aws_env, created, PNG)
    assert deliver(aws_env, times=2) == {"batchItemFailures": []}
    item = asset(token, created["asset"]["id"]).body
    assert item["status"] == "rejected" and "image/png" in item["rejection_reason"]
    assert not object_exists(aws_env, created["upload"]["fields"]["key"])
    download = call("GET", f"/v1/assets/{item['id']}/download", token=token)
    assert download.status == 409 and download.body["error"]["code"] == "CONFLICT"


def test_a_size_other_than_declared_is_rejected(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    created = announced(token, filename="notes.txt", content_type="text/plain", size=1000)
    put(aws_env, created, b"short")
    deliver(aws_env)
    item = asset(token, created["asset"]["id"]).body
    assert item["status"] == "rejected" and "5 bytes, 1000 were declared" in item["rejection_reason"]
    assert not object_exists(aws_env, created["upload"]["fields"]["key"])


def test_text_is_checked_to_the_end(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    good = upload(aws_env, token, CSV, filename="residents.csv", content_type="text/csv")
    assert asset(token, good["asset"]["id"]).body["status"] == "ready"
    binary = b"a,b\n" * 5000 + b"\x00\xff"
    bad = upload(aws_env, token, binary, filename="residents.csv", content_type="text/csv")
    assert asset(token, bad["asset"]["id"]).body["status"] == "rejected"


def test_reusing_the_post_of_a_ready_asset_changes_nothing(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    """Issue 17: a presigned POST re-used after the verdict neither turns a good asset `rejected`
    nor makes other bytes downloadable, even before the verifier has seen them."""
    token, community_id = token_of(admin), admin["community"]["id"]
    created = upload(aws_env, token, JPEG, filename="photo.jpg", content_type="image/jpeg")
    assert asset(token, created["asset"]["id"]).body["status"] == "ready"
    copy = verified(community_id, created)
    put(aws_env, created, GIF[: len(JPEG)].ljust(len(JPEG), b"\x00"))  # same size, other bytes
    download = call("GET", f"/v1/assets/{created['asset']['id']}/download", token=token)
    assert download.status == 200 and copy.replace("/", "%2F") not in download.body["url"]
    assert f"/{copy}?" in download.body["url"]  # the verified copy, not the key just re-posted
    deliver(aws_env)
    item = asset(token, created["asset"]["id"]).body
    assert item["status"] == "ready" and item["rejection_reason"] is None
    assert verified(community_id, created) == copy and object_bytes(aws_env, copy) == JPEG
    assert not object_exists(aws_env, created["upload"]["fields"]["key"])  # deleted unread


def test_reusing_the_post_of_a_rejected_asset_changes_nothing(admin: dict[str, Any],
                                                                aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    created = announced(token, filename="photo.jpg", content_type="image/jpeg", size=len(JPEG))
    put(aws_env, created, GIF[: len(JPEG)].ljust(len(JPEG), b"\x00"))
    assert deliver(aws_env) == {"batchItemFailures": []}
    assert asset(token, created["asset"]["id"]).body["status"] == "rejected"
    put(aws_env, created, JPEG)  # good bytes now: too late, the upload was decided
    assert deliver(aws_env) == {"batchItemFailures": []}
    assert asset(token, created["asset"]["id"]).body["status"] == "rejected"
    assert call("GET", f"/v1/assets/{created['asset']['id']}/download", token=token).status == 409
    assert not object_exists(aws_env, created["upload"]["fields"]["key"])


def test_an_upload_replaced_while_it_is_checked_is_decided_on_the_newest_bytes(
        admin: dict[str, Any], aws_env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The check reads and copies the ETag it looked at: a re-post in between is a race, retried."""
    from shared.uploads import store

    token, community_id = token_of(admin), admin["community"]["id"]
    created = announced(token, filename="photo.jpg", content_type="image/jpeg", size=len(JPEG))
    put(aws_env, created, JPEG)
    real_head = store.head

    def head_then_repost(key: str) -> Any:
        seen = real_head(key)
        put(aws_env, created, GIF[: len(JPEG)].ljust(len(JPEG), b"\x00"))  # lands after HEAD, before the read
        return seen

    monkeypatch.setattr(store, "head", head_then_repost)
    answer = deliver(aws_env)
    assert len(answer["batchItemFailures"]) == 1  # Raced: the record comes back
    monkeypatch.setattr(store, "head", real_head)
    assert asset(token, created["asset"]["id"]).body["status"] == "pending"
    deliver(aws_env)  # the re-post's own event (and the retried one) decide on the bytes there now
    item = asset(token, created["asset"]["id"]).body
    assert item["status"] == "rejected"
    assert not [k for k in _keys(aws_env, community_id) if "/verified/" in k]


def _keys(aws_env: dict[str, Any], community_id: str) -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket(aws_env), Prefix=f"communities/{community_id}/")
    return [o["Key"] for o in listed.get("Contents", [])]


def test_uploads_are_offered_for_fifteen_minutes(admin: dict[str, Any]) -> None:
    created = announced(token_of(admin))
    policy = json.loads(base64.b64decode(created["upload"]["fields"]["policy"]))
    latest = clock.now() + timedelta(minutes=15, seconds=5)
    assert datetime.fromisoformat(policy["expiration"]) <= latest
    assert datetime.fromisoformat(created["upload"]["expires_at"]) <= latest


def test_objects_without_an_asset_are_deleted_and_other_keys_ignored(admin: dict[str, Any],
                                                                       aws_env: dict[str, Any]) -> None:
    s3 = boto3.client("s3")
    stray = f"communities/{admin['community']['id']}/assets/01NOSUCHASSET/x.pdf"
    s3.put_object(Bucket=bucket(aws_env), Key=stray, Body=PDF)
    assert deliver(aws_env) == {"batchItemFailures": []}
    assert not object_exists(aws_env, stray)
    s3.put_object(Bucket=bucket(aws_env), Key="exports/report.csv", Body=CSV)  # no rule matches: no event
    assert not boto3.client("sqs").receive_message(QueueUrl=aws_env["queues"]["AssetUploads"]).get("Messages")


def test_a_failing_record_is_reported_alone(admin: dict[str, Any], aws_env: dict[str, Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    token = token_of(admin)
    first = announced(token, filename="a.png", content_type="image/png", size=len(PNG))
    second = announced(token, filename="b.png", content_type="image/png", size=len(PNG))
    put(aws_env, first, PNG)
    put(aws_env, second, PNG)
    from shared.uploads import store

    real_head = store.head

    def flaky(key: str) -> Any:
        if key == second["upload"]["fields"]["key"]:
            raise ConnectionError("S3 hiccup")
        return real_head(key)

    monkeypatch.setattr(store, "head", flaky)
    result = deliver(aws_env)
    assert len(result["batchItemFailures"]) == 1
    assert asset(token, first["asset"]["id"]).body["status"] == "ready"
    assert asset(token, second["asset"]["id"]).body["status"] == "pending"


def test_download_is_a_five_minute_attachment_url_of_ready_assets(admin: dict[str, Any],
                                                                  aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    created = upload(aws_env, token, PDF, filename="Minutes März.pdf")
    answer = call("GET", f"/v1/assets/{created['asset']['id']}/download", token=token)
    assert answer.status == 200, answer.body
    assert "response-content-disposition=attachment" in answer.body["url"]
    assert "X-Amz-Expires=300" in answer.body["url"] and answer.body["expires_at"].endswith("Z")
    pending = announced(token)
    assert call("GET", f"/v1/assets/{pending['asset']['id']}/download", token=token).status == 409


def test_roles_see_what_their_visibility_allows(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    ids = {v: upload(aws_env, token, PDF, filename=f"{v}.pdf", visibility=v)["asset"]["id"]
           for v in ("staff", "residents", "owners", "tenants", "board")}
    pending = announced(token, visibility="residents")["asset"]["id"]
    expected = {
        Role.MANAGER: {"staff", "residents", "owners", "tenants", "board"},
        Role.BOARD: {"staff", "residents", "board"},
        Role.OWNER: {"residents", "owners"},
        Role.TENANT: {"residents", "tenants"},
    }
    for role, visible in expected.items():
        member = token_for(admin, role)
        listed = call("GET", "/v1/assets", token=member).body["items"]
        want = {ids[v] for v in visible} | ({pending} if role == Role.MANAGER else set())
        assert {a["id"] for a in listed} == want, role
        for visibility, asset_id in ids.items():
            download = call("GET", f"/v1/assets/{asset_id}/download", token=member)
            assert download.status == (200 if visibility in visible else 404), (role, visibility, download.body)
            assert asset(member, asset_id).status == (200 if visibility in visible else 404)
        if role != Role.MANAGER:
            assert asset(member, pending).status == 404
            assert announce(member).status == 403
            assert call("PATCH", f"/v1/assets/{ids['residents']}", token=member, json_body={"name": "x"}).status == 403
            assert call("DELETE", f"/v1/assets/{ids['residents']}", token=member).status == 403


def test_another_communitys_asset_is_not_found(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    created = upload(aws_env, token_of(admin), PDF, visibility="residents")
    other = token_of(signup(name="Elm Court", email="eve@example.com"))
    asset_id = created["asset"]["id"]
    for method, path in (("GET", f"/v1/assets/{asset_id}"), ("GET", f"/v1/assets/{asset_id}/download"),
                         ("DELETE", f"/v1/assets/{asset_id}")):
        answer = call(method, path, token=other)
        assert answer.status == 404 and answer.body["error"]["code"] == "NOT_FOUND", (method, path)
    patched = call("PATCH", f"/v1/assets/{asset_id}", token=other, json_body={"name": "mine"})
    assert patched.status == 404
    assert call("GET", "/v1/assets", token=other).body["items"] == []
    assert object_exists(aws_env, verified(admin["community"]["id"], created))


def test_patch_changes_metadata_and_delete_removes_the_object(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    created = upload(aws_env, token, PDF, folder="notices")
    asset_id = created["asset"]["id"]
    copy = verified(admin["community"]["id"], created)
    patched = call("PATCH", f"/v1/assets/{asset_id}", token=token,
                   json_body={"name": "Pool rules.pdf", "folder": "rules", "tags": ["pool"], "visibility": "residents"})
    assert patched.status == 200, patched.body
    assert (patched.body["name"], patched.body["folder"], patched.body["tags"], patched.body["visibility"]) == (
        "Pool rules.pdf", "rules", ["pool"], "residents")
    assert call("GET", "/v1/assets", token=token, query={"folder": "notices"}).body["items"] == []
    assert [a["id"] for a in call("GET", "/v1/assets", token=token, query={"folder": "rules"}).body["items"]] == [
        asset_id]
    for bad in ({}, {"name": None}, {"status": "ready"}, {"visibility": "everyone"}):
        assert call("PATCH", f"/v1/assets/{asset_id}", token=token, json_body=bad).status == 422, bad
    assert call("DELETE", f"/v1/assets/{asset_id}", token=token).status == 204
    assert not object_exists(aws_env, created["upload"]["fields"]["key"]) and not object_exists(aws_env, copy)
    assert asset(token, asset_id).status == 404
    assert call("DELETE", f"/v1/assets/{asset_id}", token=token).status == 404
    assert [e.action for e in audit_events(aws_env)][-1] == "asset.deleted"


def test_lists_filter_by_folder_and_tag_and_page_newest_first(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = token_of(admin)
    made = [announced(token, filename=f"{i}.pdf", folder="minutes" if i % 2 else "notices",
                      tags=["2024"] if i % 3 == 0 else [])["asset"]["id"] for i in range(7)]

    def pages(**query: str) -> tuple[list[str], int]:
        seen, count, after = [], 0, None
        while True:
            answer = call("GET", "/v1/assets", token=token, query={**query, **({"cursor": after} if after else {})})
            assert answer.status == 200, answer.body
            seen += [a["id"] for a in answer.body["items"]]
            count += 1
            after = answer.body["next_cursor"]
            if after is None:
                return seen, count

    assert pages(limit="3") == (made[::-1], 3)
    assert pages(limit="2", folder="minutes")[0] == [made[i] for i in (5, 3, 1)]
    assert pages(limit="1", tag="2024")[0] == [made[i] for i in (6, 3, 0)]
    assert pages(folder="notices", tag="2024")[0] == [made[i] for i in (6, 0)]
    first = call("GET", "/v1/assets", token=token, query={"limit": "2", "folder": "minutes"}).body
    wrong_folder = call("GET", "/v1/assets", token=token, query={"folder": "notices", "cursor": first["next_cursor"]})
    assert wrong_folder.status == 400 and wrong_folder.body["error"]["code"] == "INVALID_CURSOR"
    other = token_of(signup(name="Elm Court", email="eve@example.com"))
    foreign = call("GET", "/v1/assets", token=other, query={"folder": "minutes", "cursor": first["next_cursor"]})
    assert foreign.status == 400 and foreign.body["error"]["code"] == "INVALID_CURSOR"
    forged = cursor.encode(admin["community"]["id"], {"pk": {"S": f"C#{admin['community']['id']}"},
                                                      "sk": {"S": "TEMPLATE#x"}})
    assert call("GET", "/v1/assets", token=token, query={"cursor": str(forged)}).status == 400


def test_abandoned_uploads_are_hidden_until_dynamodb_expires_them(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    created = announced(token)["asset"]["id"]
    clock.travel(24 * 3600 + 1)
    token = token_for(admin, Role.MANAGER)  # the admin's access token expired meanwhile
    assert call("GET", "/v1/assets", token=token).body["items"] == []
    assert asset(token, created).status == 404


def test_the_logo_must_be_a_ready_image_of_the_community(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, community_id = token_of(admin), admin["community"]["id"]
    pdf = upload(aws_env, token, PDF)["asset"]["id"]
    pending_png = announced(token, filename="p.png", content_type="image/png", size=len(PNG))["asset"]["id"]
    other = signup(name="Elm Court", email="eve@example.com")
    foreign = upload(aws_env, token_of(other), PNG, filename="l.png", content_type="image/png")["asset"]["id"]
    for asset_id, reason in ((pdf, "must be an image"), (pending_png, "must be a ready asset"),
                             (foreign, "not an asset of this community"), ("", "not an asset of this community")):
        with pytest.raises(ValidationFailed) as raised:
            service.require_ready_image(community_id, asset_id)
        (detail,) = raised.value.details
        assert detail.field == "branding.logo_asset_id" and reason in detail.message
        assert status_of(raised.value) == 422 and raised.value.code == "VALIDATION_FAILED"
    stored = repository.get(community_id, pending_png)
    assert stored is not None and stored.status == Status.PENDING
    # The same check guards PATCH /v1/community.
    refused = call("PATCH", "/v1/community", token=token, json_body={"branding": {"logo_asset_id": pdf}})
    assert refused.status == 422 and refused.body["error"]["details"][0]["field"] == "branding.logo_asset_id"
    logo = upload(aws_env, token, PNG, filename="logo.png", content_type="image/png")["asset"]["id"]
    accepted = call("PATCH", "/v1/community", token=token, json_body={"branding": {"logo_asset_id": logo}})
    assert accepted.status == 200 and accepted.body["branding"]["logo_asset_id"] == logo


def test_announce_honours_idempotency_keys(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    headers = {"Idempotency-Key": "upload-1"}
    body = {"filename": "a.pdf", "content_type": "application/pdf", "size": 10}
    first = call("POST", "/v1/assets", token=token, json_body=body, headers=headers)
    again = call("POST", "/v1/assets", token=token, json_body=body, headers=headers)
    assert first.status == again.status == 201 and first.body == again.body
    assert len(call("GET", "/v1/assets", token=token).body["items"]) == 1
    reused = call("POST", "/v1/assets", token=token, json_body={**body, "size": 11}, headers=headers)
    assert reused.status == 409 and reused.body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_sample_events_drive_the_announce_route_and_the_verifier(admin: dict[str, Any],
                                                                 aws_env: dict[str, Any]) -> None:
    """events/api-asset-create.json and events/sqs-asset-uploaded.json, with this test's ids filled in."""
    from functions import authorizer
    from functions.api.assets import create as create_function

    events_dir = Path(__file__).parents[2] / "events"
    event = json.loads((events_dir / "api-asset-create.json").read_text())
    decision = authorizer.handler({"type": "REQUEST", "headers": {"authorization": f"Bearer {token_of(admin)}"}},
                                  FakeContext())
    event["requestContext"]["authorizer"]["lambda"] = decision["context"]
    answer = create_function.handler(event, FakeContext())
    assert answer["statusCode"] == 201, answer
    created = json.loads(answer["body"])
    assert created["asset"]["visibility"] == "owners" and created["asset"]["folder"] == "board/minutes"
    key = created["upload"]["fields"]["key"]
    assert key.endswith("/Board_Minutes_November.pdf")
    boto3.client("s3").put_object(Bucket=bucket(aws_env), Key=key, Body=PDF.ljust(created["asset"]["size"], b"\n"))
    boto3.client("sqs").purge_queue(QueueUrl=aws_env["queues"]["AssetUploads"])  # the sample stands in for it
    sample = json.loads((events_dir / "sqs-asset-uploaded.json").read_text())
    body = json.loads(sample["Records"][0]["body"])
    body["detail"]["bucket"]["name"] = bucket(aws_env)
    body["detail"]["object"]["key"] = key
    sample["Records"][0]["body"] = json.dumps(body)
    assert verify_assets.handler(sample, FakeContext()) == {"batchItemFailures": []}
    assert asset(token_of(admin), created["asset"]["id"]).body["status"] == "ready"
