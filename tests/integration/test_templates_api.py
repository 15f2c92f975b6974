"""The template endpoints against moto: CRUD, versions, in-use locks, tenancy, validation, preview."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from functions.api.templates import preview as preview_function
from shared.identity import repository as identity_repository
from shared.identity import tokens
from shared.platform import cursor, keys
from shared.platform.context import Caller
from shared.platform.errors import Conflict, NotFound
from shared.spec.permissions import Role
from shared.templates import repository, residents, service
from shared.templates.schemas import MAX_HTML_BYTES
from tests.integration.conftest import signup
from tests.support.api import Answer, FakeContext, call

pytestmark = pytest.mark.integration

EMAIL = {
    "name": "Dues reminder",
    "channel": "email",
    "category": "transactional",
    "subject": "{{ community_name }}: your balance",
    "html": "<p>Hi {{ first_name }}, you owe <b>{{ balance }}</b>. "
            "<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>",
}
SMS = {"name": "Water shutoff", "channel": "sms", "category": "transactional",
       "text": "Hi {{ first_name }}, water is off in unit {{ unit }} today."}
VARIABLES = {"first_name": "Ann", "balance": "$120.00", "community_name": "Oak Park",
             "unsubscribe_url": "https://example.com/u/1"}


@pytest.fixture
def admin() -> dict[str, Any]:
    return signup()


def token_of(body: dict[str, Any]) -> str:
    return str(body["access_token"])


def create(token: str, **fields: Any) -> Answer:
    return call("POST", "/v1/templates", token=token, json_body=EMAIL | fields)


def created(token: str, **fields: Any) -> dict[str, Any]:
    answer = create(token, **fields)
    assert answer.status == 201, answer.body
    return answer.body


def error_fields(answer: Answer) -> list[str]:
    return [d["field"] for d in answer.body["error"]["details"]]


# --- CRUD ---------------------------------------------------------------------------------------


def test_create_get_update_delete(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    body = created(token)
    assert set(body) == {"id", "name", "channel", "category", "subject", "html", "text", "variables", "version",
                         "created_at", "updated_at"}
    assert body["version"] == 1 and body["text"] == "" and body["created_at"] == body["updated_at"]
    assert body["variables"] == ["balance", "community_name", "first_name", "unsubscribe_url"]

    fetched = call("GET", f"/v1/templates/{body['id']}", token=token)
    assert fetched.status == 200 and fetched.body == body

    patched = call("PATCH", f"/v1/templates/{body['id']}", token=token,
                   json_body={"name": "  Dues  ", "text": "Hi {{ first_name }} in {{ unit }}"})
    assert patched.status == 200, patched.body
    assert patched.body["name"] == "Dues" and patched.body["version"] == 2
    assert patched.body["variables"] == ["balance", "community_name", "first_name", "unit", "unsubscribe_url"]
    assert patched.body["html"] == EMAIL["html"] and patched.body["created_at"] == body["created_at"]

    deleted = call("DELETE", f"/v1/templates/{body['id']}", token=token)
    assert deleted.status == 204 and deleted.body is None
    for method in ("GET", "DELETE"):
        gone = call(method, f"/v1/templates/{body['id']}", token=token)
        assert gone.status == 404 and gone.body["error"]["code"] == "NOT_FOUND"
    assert call("PATCH", f"/v1/templates/{body['id']}", token=token, json_body={"name": "x"}).status == 404


def test_every_patch_increments_the_version(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    template_id = created(token)["id"]
    for expected in (2, 3, 4):
        answer = call("PATCH", f"/v1/templates/{template_id}", token=token, json_body={"category": "marketing"})
        assert answer.status == 200 and answer.body["version"] == expected
    stored = service.get(admin["community"]["id"], template_id)
    assert stored is not None and stored.version == 4 and stored.category == "marketing"


def test_patch_null_clears_a_body_and_the_result_is_revalidated(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    template_id = created(token, text="Plain {{ first_name }}")["id"]
    cleared = call("PATCH", f"/v1/templates/{template_id}", token=token, json_body={"text": None})
    assert cleared.status == 200 and cleared.body["text"] == ""
    emptied = call("PATCH", f"/v1/templates/{template_id}", token=token, json_body={"html": None})
    assert emptied.status == 422 and error_fields(emptied) == ["html"]
    to_sms = call("PATCH", f"/v1/templates/{template_id}", token=token,
                  json_body={"channel": "sms", "subject": None, "html": None, "text": "Hi {{ first_name }}"})
    assert to_sms.status == 200, to_sms.body
    assert to_sms.body["channel"] == "sms" and to_sms.body["variables"] == ["first_name"]


def test_a_lost_race_between_edits_is_409(admin: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    token = token_of(admin)
    template_id = created(token)["id"]
    stale = repository.get(admin["community"]["id"], template_id)
    assert call("PATCH", f"/v1/templates/{template_id}", token=token, json_body={"name": "First"}).status == 200
    reads = iter([stale])
    real_get = repository.get
    monkeypatch.setattr(repository, "get", lambda cid, tid: next(reads, None) or real_get(cid, tid))
    second = call("PATCH", f"/v1/templates/{template_id}", token=token, json_body={"name": "Second"})
    assert second.status == 409 and second.body["error"]["code"] == "CONFLICT"
    monkeypatch.undo()
    kept = call("GET", f"/v1/templates/{template_id}", token=token).body
    assert kept["name"] == "First" and kept["version"] == 2


def test_edit_and_delete_wait_while_a_campaign_holds_it(admin: dict[str, Any]) -> None:
    token, community_id = token_of(admin), admin["community"]["id"]
    template_id = created(token)["id"]
    assert service.mark_in_use(community_id, template_id, 1) == 1
    assert service.mark_in_use(community_id, template_id, 1) == 2
    for method, body in (("PATCH", {"name": "x"}), ("DELETE", None)):
        answer = call(method, f"/v1/templates/{template_id}", token=token, json_body=body)
        assert answer.status == 409 and answer.body["error"]["code"] == "CONFLICT", answer.body
    assert call("GET", f"/v1/templates/{template_id}", token=token).body["version"] == 1
    assert service.mark_in_use(community_id, template_id, -2) == 0
    with pytest.raises(Conflict):
        service.mark_in_use(community_id, template_id, -1)
    assert call("PATCH", f"/v1/templates/{template_id}", token=token, json_body={"name": "x"}).status == 200
    assert call("DELETE", f"/v1/templates/{template_id}", token=token).status == 204
    with pytest.raises(NotFound):
        service.mark_in_use(community_id, template_id, 1)


def test_a_campaign_taking_it_between_read_and_write_still_blocks_the_edit(
    admin: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    token, community_id = token_of(admin), admin["community"]["id"]
    template_id = created(token)["id"]
    real_replace = repository.replace

    def campaign_first(template: Any, *, expected_version: int) -> bool:
        service.mark_in_use(community_id, template_id, 1)
        return real_replace(template, expected_version=expected_version)

    monkeypatch.setattr(repository, "replace", campaign_first)
    answer = call("PATCH", f"/v1/templates/{template_id}", token=token, json_body={"name": "x"})
    assert answer.status == 409 and "campaign" in answer.body["error"]["message"]


def test_create_honours_idempotency_keys(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    first = call("POST", "/v1/templates", token=token, json_body=EMAIL, headers={"Idempotency-Key": "t-1"})
    again = call("POST", "/v1/templates", token=token, json_body=EMAIL, headers={"Idempotency-Key": "t-1"})
    assert first.status == again.status == 201 and first.body == again.body
    assert len(call("GET", "/v1/templates", token=token).body["items"]) == 1


# --- tenancy and permissions --------------------------------------------------------------------


def test_another_communitys_template_is_not_found(admin: dict[str, Any]) -> None:
    template_id = created(token_of(admin))["id"]
    other = token_of(signup(name="Elm Row", email="bob@example.com"))
    for method, body in (("GET", None), ("PATCH", {"name": "mine"}), ("DELETE", None),
                         ("POST", {"variables": VARIABLES})):
        path = f"/v1/templates/{template_id}" + ("/preview" if method == "POST" else "")
        answer = call(method, path, token=other, json_body=body)
        assert answer.status == 404 and answer.body["error"]["code"] == "NOT_FOUND", (method, answer.body)
    assert call("GET", "/v1/templates", token=other).body == {"items": [], "next_cursor": None}
    assert call("GET", f"/v1/templates/{template_id}", token=token_of(admin)).body["version"] == 1


def test_the_community_comes_from_the_token_only(admin: dict[str, Any]) -> None:
    answer = create(token_of(admin), community_id="someone-else")
    assert answer.status == 422 and error_fields(answer) == ["community_id"]


def test_roles_without_comms_manage_are_forbidden(admin: dict[str, Any]) -> None:
    community_id, user_id = admin["community"]["id"], admin["user"]["id"]
    session = identity_repository.list_sessions(community_id, user_id, limit=1, after=None)[0][0]
    owner = tokens.issue_access(Caller(user_id=user_id, community_id=community_id, role=Role.OWNER,
                                       session_id=session.id))
    answer = call("GET", "/v1/templates", token=owner)
    assert answer.status == 403 and answer.body["error"]["code"] == "FORBIDDEN"


# --- validation ---------------------------------------------------------------------------------


INVALID_EMAIL: list[tuple[dict[str, Any], str]] = [
    ({"subject": None}, "subject"),
    ({"subject": "   "}, "subject"),
    ({"subject": "Two\nlines"}, "subject"),
    ({"html": None}, "html"),
    ({"html": ""}, "html"),
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"channel": "fax"}, "channel"),
    ({"category": "spam"}, "category"),
    ({"html": "<p>{{ ''.__class__.__mro__ }}</p>"}, "html"),
    ({"subject": "{{ cycler.__init__.__globals__ }}"}, "subject"),
    ({"text": "{% for x in y %}{% endfor %}"}, "text"),
    ({"html": "{{ unclosed"}, "html"),
    ({"html": "é" * (MAX_HTML_BYTES // 2 + 1)}, "html"),  # few enough characters, too many bytes
    ({"html": "x" * (MAX_HTML_BYTES + 1)}, "html"),
    ({"colour": "red"}, "colour"),
]


def test_invalid_email_templates_are_422_naming_the_field(admin: dict[str, Any]) -> None:
    for fields, field in INVALID_EMAIL:  # one community for all: a signup costs a password hash
        answer = create(token_of(admin), **fields)
        assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED", (fields, answer.body)
        assert field in error_fields(answer), (fields, answer.body)
    assert call("GET", "/v1/templates", token=token_of(admin)).body["items"] == []


INVALID_SMS: list[tuple[dict[str, Any], list[str]]] = [
    ({"text": None}, ["text"]),
    ({"text": "  "}, ["text"]),
    ({"subject": "Hi"}, ["subject"]),
    ({"html": "<p>Hi</p>", "subject": "Hi"}, ["subject", "html"]),
    ({"text": "x" * 1601}, ["text"]),
]


def test_invalid_sms_templates_are_422(admin: dict[str, Any]) -> None:
    for fields, expected in INVALID_SMS:
        answer = call("POST", "/v1/templates", token=token_of(admin), json_body=SMS | fields)
        assert answer.status == 422 and error_fields(answer) == expected, (fields, answer.body)


def test_one_request_names_every_problem(admin: dict[str, Any]) -> None:
    answer = create(token_of(admin), subject="{{ a.b }}", html="{{ c() }}", text="{% include 'x' %}")
    assert answer.status == 422 and set(error_fields(answer)) == {"subject", "html", "text"}


INVALID_PATCHES: list[tuple[dict[str, Any], str]] = [
    ({}, "body"),
    ({"name": None}, "name"),
    ({"channel": None}, "channel"),
    ({"subject": None}, "subject"),
    ({"html": "{{ x.__class__ }}"}, "html"),
    ({"id": "other"}, "id"),
    ({"version": 7}, "version"),
]


def test_invalid_patches_are_422_and_change_nothing(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    template_id = created(token)["id"]
    for body, field in INVALID_PATCHES:
        answer = call("PATCH", f"/v1/templates/{template_id}", token=token, json_body=body)
        assert answer.status == 422 and field in error_fields(answer), (body, answer.body)
    assert call("GET", f"/v1/templates/{template_id}", token=token).body["version"] == 1


# --- preview ------------------------------------------------------------------------------------


def preview(token: str, template_id: str, body: Any) -> Answer:
    return call("POST", f"/v1/templates/{template_id}/preview", token=token, json_body=body)


def test_preview_with_variables_escapes_html_and_derives_text(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    template_id = created(token)["id"]
    answer = preview(token, template_id, {"variables": VARIABLES | {"first_name": "<script>alert(1)</script>"}})
    assert answer.status == 200, answer.body
    assert answer.body == {
        "subject": "Oak Park: your balance",
        "html": "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;, you owe <b>$120.00</b>. "
                "<a href=\"https://example.com/u/1\">Unsubscribe</a></p>",
        "text": "Hi <script>alert(1)</script>, you owe $120.00. Unsubscribe (https://example.com/u/1)",
        "sms": None,
    }


def test_preview_names_every_missing_variable(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    template_id = created(token)["id"]
    answer = preview(token, template_id, {"variables": {"first_name": "Ann"}})
    assert answer.status == 422 and answer.body["error"]["code"] == "TEMPLATE_VARIABLES_MISSING"
    assert answer.body["error"]["details"] == [{"field": name, "message": "is missing"}
                                               for name in ("balance", "community_name", "unsubscribe_url")]


def test_sms_preview_counts_segments(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    template_id = created(token, **SMS, subject=None, html=None)["id"]
    answer = preview(token, template_id, {"variables": {"first_name": "Åsa", "unit": "4B", "ignored": True}})
    assert answer.status == 200, answer.body
    text = "Hi Åsa, water is off in unit 4B today."
    assert answer.body == {"subject": None, "html": None, "text": text,
                           "sms": {"length": len(text), "segments": 1, "encoding": "GSM-7"}}
    emoji = preview(token, template_id, {"variables": {"first_name": "👋" * 40, "unit": None}})
    assert emoji.body["sms"]["encoding"] == "UCS-2" and emoji.body["sms"]["segments"] == 2


def test_preview_needs_exactly_one_valid_source(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    template_id = created(token)["id"]
    for body in ({}, {"variables": {}, "resident_id": "r1"}, {"variables": {"a": [1]}}, {"resident_id": ""},
                 {"variables": {"a": "x" * 10_001}}, {"variables": {str(n): n for n in range(101)}}):
        answer = preview(token, template_id, body)
        assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED", (body, answer.body)


def test_preview_for_an_unknown_resident_is_404(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    answer = preview(token, created(token)["id"], {"resident_id": "01JRESIDENT"})
    assert answer.status == 404 and answer.body["error"]["message"] == "No such resident."


def test_preview_for_a_resident_uses_their_variables(admin: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    token, community_id = token_of(admin), admin["community"]["id"]
    asked: list[tuple[str, str]] = []

    def lookup(cid: str, rid: str) -> dict[str, object]:
        asked.append((cid, rid))
        return dict(VARIABLES)

    monkeypatch.setattr(residents, "variables_for", lookup)
    answer = preview(token, created(token)["id"], {"resident_id": "01JRESIDENT"})
    assert answer.status == 200 and answer.body["subject"] == "Oak Park: your balance"
    assert asked == [(community_id, "01JRESIDENT")]


def test_preview_of_a_missing_template_is_404(admin: dict[str, Any]) -> None:
    answer = preview(token_of(admin), "01JNOPE", {"variables": {}})
    assert answer.status == 404 and answer.body["error"]["message"] == "No such template."


def test_sample_preview_event(admin: dict[str, Any]) -> None:
    from functions import authorizer

    token = token_of(admin)
    context: Any = FakeContext()  # duck-types LambdaContext
    template_id = created(token)["id"]
    event = json.loads((Path(__file__).parents[2] / "events" / "api-template-preview.json").read_text())
    decision = authorizer.handler({"type": "REQUEST", "headers": {"authorization": f"Bearer {token}"}}, context)
    event["requestContext"]["authorizer"]["lambda"] = decision["context"]
    event["pathParameters"]["id"] = template_id
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/v1/templates/{template_id}/preview"
    answer = preview_function.handler(event, context)
    assert answer["statusCode"] == 200, answer
    assert json.loads(answer["body"])["subject"] == "Willow Creek Condos: your balance"


# --- listing ------------------------------------------------------------------------------------


def test_list_is_paginated_newest_first(admin: dict[str, Any]) -> None:
    token = token_of(admin)
    ids = [created(token, name=f"T{n}")["id"] for n in range(5)]
    seen: list[str] = []
    after: str | None = None
    sizes = []
    while True:
        query = {"limit": "2"} | ({"cursor": after} if after else {})
        answer = call("GET", "/v1/templates", token=token, query=query)
        assert answer.status == 200, answer.body
        sizes.append(len(answer.body["items"]))
        seen.extend(item["id"] for item in answer.body["items"])
        after = answer.body["next_cursor"]
        if after is None:
            break
    assert seen == list(reversed(ids))
    assert sizes[:3] == [2, 2, 1]
    first = call("GET", "/v1/templates", token=token).body["items"][0]
    assert first["name"] == "T4" and first["html"] == EMAIL["html"]


def test_list_refuses_foreign_or_unrelated_cursors(admin: dict[str, Any]) -> None:
    token, community_id = token_of(admin), admin["community"]["id"]
    created(token)
    created(token)
    other = token_of(signup(name="Elm Row", email="bob@example.com"))
    foreign = call("GET", "/v1/templates", token=other, query={"limit": "1"})
    assert foreign.body["next_cursor"] is None
    mine = call("GET", "/v1/templates", token=token, query={"limit": "1"}).body["next_cursor"]
    stolen = call("GET", "/v1/templates", token=other, query={"cursor": mine})
    assert stolen.status == 400 and stolen.body["error"]["code"] == "INVALID_CURSOR"
    pk, sk = keys.session(community_id, "u", "s")
    sessions_cursor = cursor.encode(community_id, {"pk": {"S": pk}, "sk": {"S": sk}})
    assert sessions_cursor is not None
    wrong = call("GET", "/v1/templates", token=token, query={"cursor": sessions_cursor})
    assert wrong.status == 400 and wrong.body["error"]["code"] == "INVALID_CURSOR"
    assert call("GET", "/v1/templates", token=token, query={"limit": "201"}).status == 422


def test_a_page_stops_at_one_dynamodb_page(admin: dict[str, Any]) -> None:
    """Large bodies: fewer than `limit` items per answer, never more than about 1 MB read."""
    token = token_of(admin)
    big = "<p>" + "x" * (MAX_HTML_BYTES - 100) + "</p>"
    for n in range(7):
        created(token, name=f"Big {n}", html=big)
    first = call("GET", "/v1/templates", token=token, query={"limit": "200"})
    assert first.status == 200 and 0 < len(first.body["items"]) < 7 and first.body["next_cursor"]
    rest = call("GET", "/v1/templates", token=token, query={"limit": "200", "cursor": first.body["next_cursor"]})
    assert len(first.body["items"]) + len(rest.body["items"]) == 7
