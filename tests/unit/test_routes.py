"""The route table is the one source: every entry must be complete, unique and served."""

import importlib
import re

import pytest

from shared.platform.http import Endpoint
from shared.spec.permissions import Permission
from shared.spec.routes import ROUTES

pytestmark = pytest.mark.unit


def test_route_keys_and_names_are_unique() -> None:
    assert len({r.route_key for r in ROUTES}) == len(ROUTES)
    assert len({r.name for r in ROUTES}) == len(ROUTES)
    assert len({r.handler for r in ROUTES}) == len(ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_route_is_public_or_permissioned(route) -> None:  # type: ignore[no-untyped-def]
    assert route.public != (route.permission is not None)
    if route.permission is not None:
        assert isinstance(route.permission, Permission)
    assert route.path.startswith("/v1/")
    assert re.fullmatch(r"(/[a-z0-9._-]+|/\{[a-z_]+\})+", route.path), route.path
    assert not route.idempotent or route.method == "POST"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_handler_module_serves_exactly_its_route(route) -> None:  # type: ignore[no-untyped-def]
    module = importlib.import_module(route.handler)
    assert isinstance(module.api, Endpoint)
    assert module.api.route is route
    assert module.handler == module.api.handler
