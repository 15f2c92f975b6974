"""Item-level rollback for moto's DynamoDB TransactWriteItems.

moto backs up a transaction by deep-copying every table it touches, once per item of the
transaction (`copy.deepcopy(self.tables[name])` inside the loop): a 100-item transaction on a table
of 40,000 items copies 4 million items. Campaign chunks (claims and settles of 98 messages) and
resident imports are all transactions, so the embedded AWS (and the tests and benchmarks on moto)
slowed down with the table's size. This keeps moto's own transaction code and semantics, but backs
up only the items the transaction names and restores exactly those when it is cancelled.
"""

from __future__ import annotations

import copy as stdlib_copy
import threading
from collections.abc import Callable
from typing import Any

import moto.dynamodb.models as dynamodb_models

_state = threading.local()


class _CopyWithoutTables:
    """Stands in for `copy` inside moto's dynamodb models module: a Table "copies" to itself while
    our wrapper is running (it keeps its own item backup); everything else copies as usual."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_state, "active", False) and isinstance(value, dynamodb_models.Table):
            return value
        return stdlib_copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(stdlib_copy, name)


def _key_of(table: Any, op: dict[str, Any]) -> dict[str, Any]:
    if "Key" in op:
        return dict(op["Key"])
    item = op["Item"]
    key = {table.hash_key_attr: item[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = item[table.range_key_attr]
    return key


def _wrap(original: Callable[..., None]) -> Callable[..., None]:
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        backup: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
        try:
            for entry in transact_items:
                _, op = next(iter(entry.items()))
                table = self.get_table(op["TableName"])
                key = _key_of(table, op)
                current = self.get_item(op["TableName"], key)
                backup.append((op["TableName"], key, current.to_json()["Attributes"] if current else None))
        except Exception:  # noqa: BLE001 - malformed: let moto's own code answer it, with its own backup
            return original(self, transact_items)
        _state.active = True
        try:
            return original(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed(backup):
                if attributes is None:
                    if self.get_item(table_name, key) is not None:
                        self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise
        finally:
            _state.active = False

    transact_write_items.porchlight_item_rollback = True  # type: ignore[attr-defined]
    return transact_write_items


def install() -> None:
    """Idempotent: patch moto's DynamoDB backend in this process."""
    backend = dynamodb_models.DynamoDBBackend
    if getattr(backend.transact_write_items, "porchlight_item_rollback", False):
        return
    dynamodb_models.copy = _CopyWithoutTables()  # type: ignore[assignment]
    backend.transact_write_items = _wrap(backend.transact_write_items)  # type: ignore[method-assign]
