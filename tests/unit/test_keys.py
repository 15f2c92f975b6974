import inspect

import pytest

from shared.platform import keys

pytestmark = pytest.mark.unit

# Documented global items (see docs/data-model.md).
GLOBAL_KEY_BUILDERS = {"slug", "sms_route", "sms_route_pk", "rate_limit", "phantom_login", "send_ledger"}


def tenant_builders() -> list[tuple[str, object]]:
    return [
        (name, fn)
        for name, fn in inspect.getmembers(keys, inspect.isfunction)
        if fn.__module__ == keys.__name__ and name not in GLOBAL_KEY_BUILDERS
    ]


@pytest.mark.parametrize(("name", "builder"), tenant_builders())
def test_every_tenant_key_starts_with_the_community(name: str, builder: object) -> None:
    params = list(inspect.signature(builder).parameters)  # type: ignore[arg-type]
    assert params[0] == "community_id", f"{name} must take the community id first"
    args = ["01COMMUNITY"] + [f"v{i}" for i in range(1, len(params))]
    key = builder(*args)  # type: ignore[operator]
    pk = key[0] if isinstance(key, tuple) else key
    assert pk == "C#01COMMUNITY" or pk.startswith("C#01COMMUNITY#"), (name, pk)


@pytest.mark.parametrize("bad", ["", "a#b"])
def test_a_community_id_cannot_escape_its_prefix(bad: str) -> None:
    with pytest.raises(ValueError):
        keys.community_pk(bad)


def test_email_keys_are_case_insensitive() -> None:
    assert keys.user_email("c", "Ann@Example.COM") == keys.user_email("c", "ann@example.com")
