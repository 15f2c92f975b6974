"""Unit tests run without AWS: the keyring is a fixed in-memory one and sockets are refused."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from shared.platform import signing

KEYRING = signing.Keyring(current_kid="k2", keys={"k2": b"unit-test-key-two" * 3, "k1": b"unit-test-key-one" * 3})


@pytest.fixture(autouse=True)
def fixed_keyring(monkeypatch: pytest.MonkeyPatch) -> signing.Keyring:
    monkeypatch.setattr(signing, "keyring", lambda refresh=False: KEYRING)
    return KEYRING


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unit tests may not open sockets")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield
