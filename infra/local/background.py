"""A named daemon thread around a `run()` loop, by composition.

The pollers and schedulers hold their thread instead of subclassing `threading.Thread`, whose
private attributes (`_stop`, `_delete`, ...) a subclass would silently shadow.
"""

from __future__ import annotations

import threading


class Background:
    def __init__(self, name: str) -> None:
        self._thread = threading.Thread(target=self.run, name=name, daemon=True)

    @property
    def name(self) -> str:
        return self._thread.name

    def run(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()
