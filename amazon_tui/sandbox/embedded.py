"""The sandbox inside the app's own process, reached through httpx's ASGI transport.

Used when there is no config (a fresh install) or with ``--sandbox``. The same client code
runs against it as against Amazon and Magento: only the transport differs.

Seeding a new sandbox takes about a second, so it is built on first use, in a thread:
the first screen paints at once and the first request waits for it off the event loop.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx
    from starlette.types import Receive, Scope, Send

    from .sandbox import Sandbox

# Demo pace: usage plans refill this many times faster than Amazon's, feeds finish in seconds.
DEMO_TIME_SCALE = 1000.0
DEMO_FEED_DELAY_SECONDS = 3.0


class LazySandboxApp:
    """An ASGI app that builds the sandbox the first time it is needed."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._sandbox: Sandbox | None = None
        self._lock = threading.Lock()

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox, built (and seeded on first use) now if it was not yet."""
        with self._lock:
            if self._sandbox is None:
                from amazon_tui.sandbox import Sandbox

                self._db_path.parent.mkdir(parents=True, exist_ok=True)
                self._sandbox = Sandbox(
                    self._db_path, time_scale=DEMO_TIME_SCALE, feed_delay_seconds=DEMO_FEED_DELAY_SECONDS
                )
            return self._sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sandbox = self._sandbox
        if sandbox is None:
            sandbox = await asyncio.to_thread(lambda: self.sandbox)
        await sandbox.app(scope, receive, send)


def embedded_sandbox(data_dir: Path) -> httpx.ASGITransport:
    """A transport that reaches a lazily built sandbox kept beside the local store."""
    import httpx

    return httpx.ASGITransport(app=LazySandboxApp(data_dir / "sandbox.db"))
