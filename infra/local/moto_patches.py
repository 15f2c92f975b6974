"""Every change this project makes to moto's DynamoDB, installed in one call (runtime, tests, benches).

Both keep moto's own answers and only make it cheaper: `moto_transactions` backs up the items a
transaction names instead of whole tables; `moto_expressions` parses and shape-checks each
UpdateExpression text once.
"""

from __future__ import annotations

from infra.local import moto_expressions, moto_transactions


def install() -> None:
    """Idempotent."""
    moto_transactions.install()
    moto_expressions.install()
