"""What delivery needs from packages above it, passed in (dependency inversion).

Messaging sits below identity (communities) and tracking (signed links): the workers on top build
`Ports` from them (`functions.workers.deliver.PORTS`) and hand it to `shared.messaging.delivery`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.messaging.mime import Links, Sender


@dataclass(frozen=True)
class Ports:
    sender_of: Callable[[str], Sender]  # community id → who its mail is from (`mime.PLATFORM` when none)
    links: Links  # unsubscribe headers and URL, open/click tracking of HTML
