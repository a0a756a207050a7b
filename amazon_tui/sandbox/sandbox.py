"""The public Sandbox: the world (world.py) with the ASGI app that serves it."""

from __future__ import annotations

from functools import cached_property

from starlette.applications import Starlette

from .app import create_app
from .foreign_feeds import send_foreign_feed
from .world import SandboxWorld


class Sandbox(SandboxWorld):
    """The other side of the wire: Amazon (LWA, Orders 2026-01-01, Feeds) and Magento REST."""

    @cached_property
    def app(self) -> Starlette:
        """The Starlette app serving every endpoint of this sandbox."""
        return create_app(self)

    def foreign_feed(self, store: str, order_ids: list[str], *, status_code: str = "Success") -> str:
        """Another application's acknowledgement feed for these orders of ``store``; its id."""
        return send_foreign_feed(self, store, order_ids, status_code)
