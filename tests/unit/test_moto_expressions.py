"""moto with its update expressions parsed and shape-checked once answers as moto does: the same
expression text updates each item with its own values, and a malformed one is refused every time."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.local import moto_expressions
from tests.unit.test_moto_transactions import hash_key_table

pytestmark = pytest.mark.unit

EXPRESSION = "SET #n = :n, #log = list_append(if_not_exists(#log, :empty), :entry) ADD #count :one"


def _update(client: Any, pk: str, expression: str, names: dict[str, str], values: dict[str, Any]) -> None:
    client.update_item(TableName="t", Key={"pk": {"S": pk}}, UpdateExpression=expression,
                       ExpressionAttributeNames=names, ExpressionAttributeValues=values)


def _values(n: str, entry: str) -> dict[str, Any]:
    return {":n": {"S": n}, ":empty": {"L": []}, ":entry": {"L": [{"S": entry}]}, ":one": {"N": "1"}}


def test_one_expression_text_updates_each_item_with_its_own_values() -> None:
    moto_expressions.install()
    moto_expressions.install()  # idempotent
    names = {"#n": "name", "#log": "log", "#count": "count"}
    with mock_aws():
        client = hash_key_table()
        for pk, n in (("a", "Ann"), ("b", "Bo"), ("a", "Ann again")):
            _update(client, pk, EXPRESSION, names, _values(n, f"{pk}:{n}"))
        a = client.get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"]
        b = client.get_item(TableName="t", Key={"pk": {"S": "b"}})["Item"]
        assert a["name"] == {"S": "Ann again"} and a["count"] == {"N": "2"}
        assert a["log"] == {"L": [{"S": "a:Ann"}, {"S": "a:Ann again"}]}
        assert b["name"] == {"S": "Bo"} and b["count"] == {"N": "1"} and b["log"] == {"L": [{"S": "b:Bo"}]}
        # the same text in a transaction, item by item
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": "t", "Key": {"pk": {"S": pk}}, "UpdateExpression": EXPRESSION,
                        "ExpressionAttributeNames": names, "ExpressionAttributeValues": _values(pk, pk)}}
            for pk in ("a", "c")])
        assert client.get_item(TableName="t", Key={"pk": {"S": "c"}})["Item"]["count"] == {"N": "1"}


@pytest.mark.parametrize(("expression", "names", "message"), [
    ("SET #n = :n SET #m = :n", {"#n": "name", "#m": "other"}, "SET"),  # two SET clauses
    ("SET #n = :n, #n = :n", {"#n": "name"}, "overlap"),  # one path twice
    ("SET #n = :n", {"#n": "pk"}, "key"),  # a key attribute
])
def test_a_malformed_shape_is_refused_every_time(expression: str, names: dict[str, str], message: str) -> None:
    moto_expressions.install()
    with mock_aws():
        client = hash_key_table()
        _update(client, "a", "SET #n = :n", {"#n": "name"}, {":n": {"S": "x"}})  # this text's shape passed once
        for _ in range(2):
            with pytest.raises(ClientError) as raised:
                _update(client, "a", expression, names, {":n": {"S": "x"}})
            assert raised.value.response["Error"]["Code"] == "ValidationException", message


def test_a_shape_checked_once_is_checked_again_under_other_names() -> None:
    """`SET #n = :n` passed with #n = name; with #n = pk it updates the key: refused."""
    moto_expressions.install()
    with mock_aws():
        client = hash_key_table()
        _update(client, "a", "SET #n = :n", {"#n": "name"}, {":n": {"S": "x"}})
        with pytest.raises(ClientError) as raised:
            _update(client, "a", "SET #n = :n", {"#n": "pk"}, {":n": {"S": "y"}})
        assert raised.value.response["Error"]["Code"] == "ValidationException"
