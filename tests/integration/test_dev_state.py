"""Issue 17 part 9, in process: `DevState` saves a moto account's items, objects and keys and puts
them back into a fresh one (the e2e test does the same through a real restart)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from moto.backends import get_backend

from infra.local.dev_state import DevState, _decode, _encode
from infra.local.embedded_aws import Clients

pytestmark = pytest.mark.integration

TABLE, BUCKET, SECRET = "porchlight-test-state", "porchlight-test-state-bucket", "porchlight-test/signing-key"


def _resources(clients: Clients) -> tuple[str, str]:
    """What provisioning makes: a bucket, then the table, the signing secret and the MFA key."""
    clients("s3").create_bucket(Bucket=BUCKET)
    return _resources_after_bucket(clients)


def test_attribute_values_round_trip_through_json() -> None:
    item: dict[str, Any] = {"pk": {"S": "C#1"}, "n": {"N": "1.50"}, "b": {"B": b"\x00\xff"},
                            "bs": {"BS": [b"a", b"b"]}, "l": {"L": [{"M": {"x": {"BOOL": True}}}, {"NULL": True}]}}
    assert _decode(json.loads(json.dumps(_encode(item)))) == item


def test_items_objects_and_keys_survive_into_a_fresh_account(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    clients = Clients(None)  # the account of the autouse `aws_env` (moto's backends, in this process)
    secret_id, key_id = _resources(clients)
    state = DevState(state_dir, clients)
    assert state.restore(secret_id=secret_id, mfa_key_id=key_id).items == 0  # nothing saved yet
    clients("dynamodb").put_item(TableName=TABLE, Item={"pk": {"S": "C#1"}, "sk": {"S": "USER#1"},
                                                        "blob": {"B": b"\x01\x02"}})
    clients("s3").put_object(Bucket=BUCKET, Key="communities/1/assets/2/a.pdf", Body=b"%PDF-1.7",
                             ContentType="application/pdf", Tagging="porchlight-upload=pending")
    clients("secretsmanager").put_secret_value(SecretId=secret_id,
                                               SecretString=json.dumps({"kid": "k1", "secret": "s1"}))
    ciphertext = clients("kms").encrypt(KeyId=key_id, Plaintext=b"TOTPSECRET")["CiphertextBlob"]
    state.save()
    state.save()  # a second save reuses unchanged objects and swaps the folder in again
    assert sorted(p.name for p in state_dir.iterdir()) == ["keys.json", "objects", "objects.json", "table.json"]
    assert not state_dir.with_name("state.saving").exists()

    for service in ("dynamodb", "s3", "secretsmanager", "kms"):  # a restart: a new, empty embedded AWS
        get_backend(service).reset()
    clients = Clients(None)
    state = DevState(state_dir, clients)
    clients("s3").create_bucket(Bucket=BUCKET)
    assert state.restore_objects() == 1
    secret_id, new_key_id = _resources_after_bucket(clients)
    restored = state.restore(secret_id=secret_id, mfa_key_id=new_key_id)
    assert restored.items == 1 and restored.mfa_key_id == key_id != new_key_id
    item = clients("dynamodb").get_item(TableName=TABLE, Key={"pk": {"S": "C#1"}, "sk": {"S": "USER#1"}})
    assert item["Item"]["blob"]["B"] == b"\x01\x02"
    stored = clients("s3").get_object(Bucket=BUCKET, Key="communities/1/assets/2/a.pdf")
    assert stored["Body"].read() == b"%PDF-1.7" and stored["ContentType"] == "application/pdf"
    tags = clients("s3").get_object_tagging(Bucket=BUCKET, Key="communities/1/assets/2/a.pdf")["TagSet"]
    assert tags == [{"Key": "porchlight-upload", "Value": "pending"}]
    secret = json.loads(clients("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
    assert secret == {"kid": "k1", "secret": "s1"}
    assert clients("kms").decrypt(CiphertextBlob=ciphertext)["Plaintext"] == b"TOTPSECRET"
    assert clients("kms").describe_key(KeyId="alias/porchlight-test-mfa")["KeyMetadata"]["KeyId"] == key_id
    assert base64.b64decode(json.loads((state_dir / "keys.json").read_text())["mfa_key"]["material"])


def _resources_after_bucket(clients: Clients) -> tuple[str, str]:
    """The rest of provisioning, after the bucket (where the saved objects go back first)."""
    clients("dynamodb").create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}])
    clients("secretsmanager").create_secret(Name=SECRET, SecretString=json.dumps({"kid": "fresh", "secret": "x"}))
    key_id = str(clients("kms").create_key(Description="mfa")["KeyMetadata"]["KeyId"])
    clients("kms").create_alias(AliasName="alias/porchlight-test-mfa", TargetKeyId=key_id)
    return SECRET, key_id
