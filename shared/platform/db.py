"""The single table as PynamoDB sees it: one polymorphic base item, bound to its name lazily.

Every item has `pk`/`sk`, optional `gsi1pk`/`gsi1sk` and `gsi2pk`/`gsi2sk` pairs (`shared.spec.resources`),
a `type` discriminator and an optional `ttl`. The table name is read from settings on first
use, not at import, so tests and the local runtime can point it anywhere.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pynamodb.attributes import DiscriminatorAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared.platform import aws
from shared.platform.settings import settings
from shared.spec.resources import TABLE


class Gsi1(GlobalSecondaryIndex["BaseItem"]):
    class Meta:
        index_name = TABLE.indexes[0].name
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex["BaseItem"]):
    """A second sparse listing (issue 12): a resident's messages, newest first."""

    class Meta:
        index_name = TABLE.indexes[1].name
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class BaseItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind() on first use

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)  # epoch seconds; DynamoDB TTL deletes the item after it
    gsi1 = Gsi1()
    gsi2 = Gsi2()

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """PynamoDB makes a botocore session and client per model class; share ours instead.

        Each new botocore session reloads the DynamoDB service model from disk (tens of ms), which
        with a dozen item classes would be paid on every cold start.
        """
        table = super()._get_connection()
        if table.connection._client is None:
            table.connection._client = aws.client("dynamodb")
        return table


def _all_models() -> list[type[Any]]:
    found: list[type[Any]] = [BaseItem]
    for model in found:
        found.extend(model.__subclasses__())
    return found


@lru_cache(maxsize=1)
def bind() -> str:
    """Point every model at the configured table (once per process, or after `unbind`)."""
    name = settings().require("table_name")
    BaseItem.Meta.table_name = name
    for model in _all_models():
        model._connection = None
    return name


def unbind() -> None:
    bind.cache_clear()
    connection.cache_clear()


@lru_cache(maxsize=1)
def connection() -> Connection:
    """The low-level connection for transactions spanning several item types (shared client)."""
    bind()
    shared = Connection()
    shared._client = aws.client("dynamodb")
    return shared
