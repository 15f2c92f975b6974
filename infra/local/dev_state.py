"""`make dev` keeps its data: the table, the buckets' objects and the keys, saved and restored.

The embedded AWS keeps everything in memory, so without this a restart (Ctrl-C) loses every
community, user and token a developer made. `DevState` saves, under one folder (`.dev-state/`,
ignored by git):

- `table.json`: every item of every DynamoDB table (a Scan, attribute values as the API gives them);
- `objects/` + `objects.json`: every object of every bucket, with its content type and tags
  (an unchanged object, same ETag, is not written again);
- `keys.json`: the signing-key secret's value (so access and refresh tokens, cursors and
  unsubscribe links stay valid) and the MFA KMS key's id and key material (so enrolled TOTP
  secrets still decrypt and MFA users can sign in).

It saves on a timer (`DevStateSaver`) and once more at shutdown, writing a new folder beside the
old and swapping it in, so a crash mid-save never leaves half a state. Restoring runs while
provisioning: the objects once the bucket exists and before its uploads are routed to their
consumers (so nothing is verified or imported twice), the table and keys right after, before the
seed and before any worker starts.

The KMS key cannot be recreated through the API with a chosen id and material, so `restore`
edits the in-process moto backend (the embedded AWS runs in this process). Dev only: nothing
here is imported by `functions/` or `shared/`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from infra.local.background import Background
from infra.local.config import REGION

log = logging.getLogger("infra.local.state")

FORMAT = 1
ACCOUNT = "123456789012"  # moto's default account: the one every local client signs in as
_BATCH = 25


def _encode(value: Any) -> Any:
    """DynamoDB attribute values as JSON (bytes become {"$b64": ...})."""
    if isinstance(value, bytes | bytearray):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$b64"}:
            return base64.b64decode(value["$b64"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@dataclass(frozen=True)
class Restored:
    items: int
    mfa_key_id: str | None  # the restored MFA key's id (the handlers' MFA_KEY_ID), None if none was saved


class DevState:
    """Save and restore the local runtime's data under `directory` (see module doc)."""

    def __init__(self, directory: Path, clients: Callable[[str], Any]) -> None:
        self.directory = directory
        self._clients = clients
        self._secret_id = ""  # known once provisioned: `restore` is given them
        self._mfa_key_id = ""
        self._lock = threading.Lock()

    # --- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the whole state to a fresh folder and swap it in."""
        with self._lock:
            staging = self.directory.with_name(self.directory.name + ".saving")
            shutil.rmtree(staging, ignore_errors=True)
            (staging / "objects").mkdir(parents=True)
            tables = self._tables()
            objects = self._objects(staging / "objects")
            (staging / "table.json").write_text(json.dumps({"format": FORMAT, "tables": tables}))
            (staging / "objects.json").write_text(json.dumps({"format": FORMAT, "objects": objects}))
            (staging / "keys.json").write_text(json.dumps({"format": FORMAT, **self._keys()}))
            previous = self.directory.with_name(self.directory.name + ".previous")
            shutil.rmtree(previous, ignore_errors=True)
            if self.directory.exists():
                self.directory.rename(previous)
            staging.rename(self.directory)
            shutil.rmtree(previous, ignore_errors=True)
            count = sum(len(items) for items in tables.values())
            log.debug("dev state saved: %d item(s), %d object(s) in %s", count, len(objects), self.directory)

    def _tables(self) -> dict[str, list[Any]]:
        dynamodb = self._clients("dynamodb")
        saved: dict[str, list[Any]] = {}
        for table in dynamodb.list_tables().get("TableNames", []):
            items: list[Any] = []
            for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
                items += [_encode(item) for item in page.get("Items", [])]
            saved[table] = items
        return saved

    def _objects(self, into: Path) -> list[dict[str, Any]]:
        s3 = self._clients("s3")
        old = self.directory / "objects"
        saved: list[dict[str, Any]] = []
        for bucket in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for summary in page.get("Contents", []):
                    key, etag = summary["Key"], str(summary.get("ETag", "")).strip('"')
                    name = hashlib.sha256(f"{bucket}\n{key}\n{etag}".encode()).hexdigest()
                    head = s3.head_object(Bucket=bucket, Key=key)
                    if (old / name).exists():  # unchanged since the last save: no need to read it again
                        shutil.copyfile(old / name, into / name)
                    else:
                        (into / name).write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
                    tags = s3.get_object_tagging(Bucket=bucket, Key=key).get("TagSet", [])
                    saved.append({"bucket": bucket, "key": key, "file": name,
                                  "content_type": head.get("ContentType", "binary/octet-stream"),
                                  "tags": {t["Key"]: t["Value"] for t in tags}})
        return saved

    def _keys(self) -> dict[str, Any]:
        secret = self._clients("secretsmanager").get_secret_value(SecretId=self._secret_id)["SecretString"]
        key = _moto_kms().keys.get(self._mfa_key_id)
        mfa = None if key is None else {"id": key.id, "material": base64.b64encode(key.key_material).decode()}
        return {"signing_key_secret": secret, "mfa_key": mfa}

    # --- restoring --------------------------------------------------------------------------------

    def restore_objects(self) -> int:
        """Put the saved objects back (into buckets that exist); how many. Before uploads are routed."""
        if not (self.directory / "objects.json").exists():
            return 0
        return self._put_objects(json.loads((self.directory / "objects.json").read_text())["objects"])

    def restore(self, *, secret_id: str, mfa_key_id: str) -> Restored:
        """Load the saved items and keys into freshly provisioned resources (nothing when none was saved);
        from now on `save` saves these resources' keys."""
        self._secret_id, self._mfa_key_id = secret_id, mfa_key_id
        if not (self.directory / "table.json").exists():
            return Restored(items=0, mfa_key_id=None)
        tables = json.loads((self.directory / "table.json").read_text())["tables"]
        items = sum(self._put_items(table, [_decode(i) for i in saved]) for table, saved in tables.items())
        keys = json.loads((self.directory / "keys.json").read_text())
        self._clients("secretsmanager").put_secret_value(SecretId=self._secret_id,
                                                         SecretString=keys["signing_key_secret"])
        adopted = self._adopt_mfa_key(keys["mfa_key"]) if keys.get("mfa_key") else None
        log.info("dev state restored from %s: %d item(s), the signing and MFA keys", self.directory, items)
        return Restored(items=items, mfa_key_id=adopted)

    def _put_items(self, table: str, items: list[Any]) -> int:
        dynamodb = self._clients("dynamodb")
        if table not in dynamodb.list_tables().get("TableNames", []):
            log.warning("saved table %s no longer exists; its items are skipped", table)
            return 0
        for start in range(0, len(items), _BATCH):
            pending: dict[str, Any] = {table: [{"PutRequest": {"Item": i}} for i in items[start:start + _BATCH]]}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        return len(items)

    def _put_objects(self, objects: list[dict[str, Any]]) -> int:
        s3 = self._clients("s3")
        buckets = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        restored = 0
        for saved in objects:
            if saved["bucket"] not in buckets:
                continue
            s3.put_object(Bucket=saved["bucket"], Key=saved["key"],
                          Body=(self.directory / "objects" / saved["file"]).read_bytes(),
                          ContentType=saved["content_type"], Tagging=urlencode(saved["tags"]))
            restored += 1
        log.info("dev state: %d object(s) restored from %s", restored, self.directory)
        return restored

    def _adopt_mfa_key(self, saved: dict[str, str]) -> str:
        """Give the freshly provisioned MFA key (alias and all) the saved id and key material, so
        secrets encrypted before the restart decrypt; the id the handlers must use."""
        backend = _moto_kms()
        key = backend.keys.pop(self._mfa_key_id)
        key.id = saved["id"]
        key.arn = key.arn.rsplit("/", 1)[0] + "/" + saved["id"]
        key.key_material = base64.b64decode(saved["material"])
        backend.keys[key.id] = key
        self._mfa_key_id = key.id
        return key.id


def _moto_kms() -> Any:
    from moto.backends import get_backend

    return get_backend("kms")[ACCOUNT][REGION]


class DevStateSaver(Background):
    """Saves the dev state every `interval_s` under the invocation lock (a consistent moment)."""

    def __init__(self, state: DevState, lock: threading.Lock, stop: threading.Event, interval_s: float) -> None:
        super().__init__("dev-state")
        self._state, self._lock, self._stop, self._interval_s = state, lock, stop, interval_s

    def run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                with self._lock:
                    self._state.save()
            except Exception:  # noqa: BLE001 - a failed save is retried next time; the runtime goes on
                log.exception("saving the dev state failed; trying again in %.0f s", self._interval_s)
