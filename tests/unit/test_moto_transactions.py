"""The embedded AWS's item-level rollback keeps TransactWriteItems all-or-nothing."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.local import moto_transactions

pytestmark = pytest.mark.unit


def hash_key_table() -> Any:
    """Table `t` with one hash key `pk` (the moto patch tests share it)."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return client


def test_a_cancelled_transaction_leaves_every_item_as_it_was() -> None:
    moto_transactions.install()
    moto_transactions.install()  # idempotent
    with mock_aws():
        client = hash_key_table()
        client.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
        with pytest.raises(ClientError) as raised:
            client.transact_write_items(TransactItems=[
                {"Update": {"TableName": "t", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET n = :two",
                            "ExpressionAttributeValues": {":two": {"N": "2"}}}},
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}}}},
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "a2"}}, "ConditionExpression": "attribute_exists(pk)"}},
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "c"}}}},
            ])
        reasons = [r["Code"] for r in raised.value.response["CancellationReasons"]]
        assert reasons == ["None", "None", "ConditionalCheckFailed", "None"]
        assert client.get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"]["n"] == {"N": "1"}
        for absent in ("b", "c", "a2"):
            assert "Item" not in client.get_item(TableName="t", Key={"pk": {"S": absent}})
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}}}},
            {"Delete": {"TableName": "t", "Key": {"pk": {"S": "a"}}}},
        ])
        assert "Item" in client.get_item(TableName="t", Key={"pk": {"S": "b"}})
        assert "Item" not in client.get_item(TableName="t", Key={"pk": {"S": "a"}})
