"""Issue 5's must-shows over HTTP against the local runtime: the browser's path, end to end.

Announce (POST /v1/assets) → multipart POST of the bytes straight to the embedded S3 with the
presigned form → S3 → EventBridge → SQS → the verifier worker → `ready` or `rejected` → a
presigned GET download. The embedded S3 enforces the POST policy as S3 does (moto alone would
not: see infra/local/s3_post_policy.py), so the refusals below are S3's own answers.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from shared.spec.permissions import Role
from tests.e2e.conftest import Api, LocalRuntime, signup_ready, wait_for
from tests.support import users
from tests.support.files import PDF, PNG, TXT

pytestmark = pytest.mark.e2e


def _signup(api: Api) -> dict[str, Any]:
    return signup_ready(api, f"Files {uuid.uuid4().hex[:6]}")


def _member_token(api: Api, runtime: LocalRuntime, admin: dict[str, Any], role: Role) -> str:
    """A member stored the way the identity repository stores it, signing in through the API."""
    user = users.member(admin["community"]["id"], role)
    for item in users.member_items(user):
        runtime.aws("dynamodb").put_item(TableName=runtime.resources["table"], Item=item)
    answer = api.post("/v1/auth/login", json={"community": admin["community"]["slug"], "email": user.email,
                                              "password": users.PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _announce(api: Api, token: str, data: bytes, **fields: Any) -> dict[str, Any]:
    body = {"filename": "minutes.pdf", "content_type": "application/pdf", "size": len(data), **fields}
    answer = api.post("/v1/assets", token=token, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _post(upload: dict[str, Any], data: bytes, **changed: str) -> requests.Response:
    """What a browser's form does: the fields as given, then the file, as multipart/form-data."""
    fields = {**upload["fields"], **changed}
    return requests.post(upload["url"], data=fields, files={"file": ("upload.bin", data)}, timeout=30)


def _status(api: Api, token: str, asset_id: str, wanted: str, timeout_s: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        asset = api.get(f"/v1/assets/{asset_id}", token=token).json()
        if asset["status"] == wanted:
            return asset  # type: ignore[no-any-return]
        time.sleep(0.2)
    raise AssertionError(f"asset {asset_id} is {asset['status']}, not {wanted}")


def _stored(runtime: LocalRuntime, key: str) -> bool:
    listed = runtime.aws("s3").list_objects_v2(Bucket=runtime.resources["bucket"], Prefix=key)
    return bool(listed.get("KeyCount"))


def test_upload_becomes_ready_and_downloads_the_same_bytes(api: Api, local_runtime: LocalRuntime) -> None:
    token = _signup(api)["access_token"]
    created = _announce(api, token, PDF, filename="Board Minutes März.pdf")
    assert created["upload"]["url"].startswith(local_runtime.aws_url)  # reachable from the host
    posted = _post(created["upload"], PDF)
    assert posted.status_code == 204, posted.text
    asset = _status(api, token, created["asset"]["id"], "ready")
    assert asset["size"] == len(PDF)
    link = api.get(f"/v1/assets/{asset['id']}/download", token=token)
    assert link.status_code == 200, link.text
    downloaded = requests.get(link.json()["url"], timeout=30)
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert downloaded.headers["Content-Disposition"].startswith('attachment; filename="Board_Minutes_Marz.pdf"')
    assert downloaded.headers["Content-Type"] == "application/pdf"


def test_png_bytes_declared_as_pdf_are_rejected_and_removed(api: Api, local_runtime: LocalRuntime) -> None:
    token = _signup(api)["access_token"]
    created = _announce(api, token, PNG)
    assert _post(created["upload"], PNG).status_code == 204
    asset = _status(api, token, created["asset"]["id"], "rejected")
    assert "image/png" in asset["rejection_reason"]
    assert not _stored(local_runtime, created["upload"]["fields"]["key"])
    assert api.get(f"/v1/assets/{asset['id']}/download", token=token).status_code == 409


def test_sizes_s3_refuses_more_bytes_than_declared_and_the_api_refuses_oversize(
        api: Api, local_runtime: LocalRuntime) -> None:
    token = _signup(api)["access_token"]
    created = _announce(api, token, TXT, filename="notes.txt", content_type="text/plain")
    refused = _post(created["upload"], TXT + b"one byte too many")
    assert refused.status_code == 400 and "<Code>EntityTooLarge</Code>" in refused.text
    assert not _stored(local_runtime, created["upload"]["fields"]["key"])
    time.sleep(1.0)  # nothing arrived, so nothing was checked
    assert api.get(f"/v1/assets/{created['asset']['id']}", token=token).json()["status"] == "pending"
    too_big = api.post("/v1/assets", token=token, json={"filename": "tour.mp4", "content_type": "video/mp4",
                                                        "size": 200 * 1024 * 1024 + 1})
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_presigned_post_cannot_upload_another_key_or_type(api: Api, local_runtime: LocalRuntime) -> None:
    admin = _signup(api)
    token, community_id = admin["access_token"], admin["community"]["id"]
    created = _announce(api, token, PDF)
    other_key = f"communities/{community_id}/assets/01OTHERASSET/minutes.pdf"
    for changed in ({"key": other_key}, {"Content-Type": "text/html"}):
        refused = _post(created["upload"], PDF, **changed)
        assert refused.status_code == 403 and "<Code>AccessDenied</Code>" in refused.text, changed
        assert "Policy Condition failed" in refused.text
    assert not _stored(local_runtime, f"communities/{community_id}/")
    assert _post(created["upload"], PDF).status_code == 204  # the form as signed still works
    _status(api, token, created["asset"]["id"], "ready")


def test_a_tenant_downloads_residents_files_not_staff_ones_and_another_community_sees_nothing(
        api: Api, local_runtime: LocalRuntime) -> None:
    admin = _signup(api)
    token = admin["access_token"]
    staff = _announce(api, token, PDF, filename="budget.pdf", visibility="staff")
    residents = _announce(api, token, PDF, filename="pool-rules.pdf", visibility="residents")
    for created in (staff, residents):
        assert _post(created["upload"], PDF).status_code == 204
        _status(api, token, created["asset"]["id"], "ready")
    tenant = _member_token(api, local_runtime, admin, Role.TENANT)
    denied = api.get(f"/v1/assets/{staff['asset']['id']}/download", token=tenant)
    assert denied.status_code == 404 and denied.json()["error"]["code"] == "NOT_FOUND"
    allowed = api.get(f"/v1/assets/{residents['asset']['id']}/download", token=tenant)
    assert allowed.status_code == 200, allowed.text
    assert requests.get(allowed.json()["url"], timeout=30).content == PDF
    assert [a["id"] for a in api.get("/v1/assets", token=tenant).json()["items"]] == [residents["asset"]["id"]]
    stranger = _signup(api)["access_token"]
    for created in (staff, residents):
        answer = api.get(f"/v1/assets/{created['asset']['id']}/download", token=stranger)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "NOT_FOUND"


def test_reposting_with_the_form_of_a_ready_asset_changes_nothing(api: Api, local_runtime: LocalRuntime) -> None:
    """Issue 17: the presigned POST is still valid after the verdict; using it again with other bytes
    neither rejects the asset nor makes those bytes downloadable, before or after the verifier runs."""
    token = _signup(api)["access_token"]
    created = _announce(api, token, PDF, filename="rules.pdf")
    assert _post(created["upload"], PDF).status_code == 204
    asset = _status(api, token, created["asset"]["id"], "ready")
    key = created["upload"]["fields"]["key"]
    wait_for(lambda: not _stored(local_runtime, key))  # the upload object is done with once decided
    assert _post(created["upload"], PNG).status_code == 204  # S3 still takes it: the form has not expired
    link = api.get(f"/v1/assets/{asset['id']}/download", token=token)
    assert requests.get(link.json()["url"], timeout=30).content == PDF  # at once: the verified copy
    wait_for(lambda: not _stored(local_runtime, key))  # the verifier deletes the re-post unread
    assert api.get(f"/v1/assets/{asset['id']}", token=token).json()["status"] == "ready"
    link = api.get(f"/v1/assets/{asset['id']}/download", token=token)
    assert requests.get(link.json()["url"], timeout=30).content == PDF
