"""Messages the app broadcasts to its screens when background work changes the data."""

from __future__ import annotations

from textual.message import Message

from amazon_tui.core.sync.progress import SyncProgress


class SyncChanged(Message):
    """A store's sync moved on (progress, done or failed)."""

    def __init__(self, progress: SyncProgress) -> None:
        super().__init__()
        self.progress = progress


class OrdersChanged(Message):
    """Orders changed locally (a sync finished, a cancellation moved on): reload what is shown."""

    def __init__(self, order_ids: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.order_ids = order_ids


class OrderSeen(Message):
    """The cursor rested on a new or changed order: it no longer needs its mark."""

    def __init__(self, order_id: str) -> None:
        super().__init__()
        self.order_id = order_id
