"""What screens ask of the app: go somewhere, sync, cancel. Posted to the app, handled by it.

Screens never call the app's methods (nor import it): they post one of these, and the app
owns the screen stack, the workers and the cancellation flow.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message


class Request(Message):
    """A request to the app (it does not bubble further)."""

    bubble = False


class OpenHome(Request):
    """Back to the store cards."""


class OpenStore(Request):
    """View Store: the store's dashboard."""

    def __init__(self, store: str) -> None:
        super().__init__()
        self.store = store


class OpenOrder(Request):
    """The documented path: the Magento order view, or Amazon Order Details when there is none."""

    def __init__(self, order_id: str) -> None:
        super().__init__()
        self.order_id = order_id


class OpenDetails(Request):
    """Amazon Order Details, straight away."""

    def __init__(self, order_id: str) -> None:
        super().__init__()
        self.order_id = order_id


class OpenAllOrders(Request):
    """View All Amazon Orders of one store."""

    def __init__(self, store: str, *, via_dashboard: bool = False) -> None:
        super().__init__()
        self.store = store
        self.via_dashboard = via_dashboard  # from the palette: the store's dashboard underneath


class OpenAttention(Request):
    """The orders that need action now, across stores."""


class OpenAudit(Request):
    """The audit log of cancellations."""


class SyncNow(Request):
    """Fetch new and changed orders now (``stores``: only these; None: every active store)."""

    def __init__(self, stores: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.stores = stores


class CancelOrders(Request):
    """Open "Amazon Order Cancellation" for these orders; ``on_done`` once they are submitted."""

    def __init__(self, order_ids: tuple[str, ...], on_done: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.order_ids = order_ids
        self.on_done = on_done


class RetryCancellations(Request):
    """Take the unfinished cancellations' next steps now (`r`), not after their backoff."""

    def __init__(self, order_ids: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.order_ids = order_ids
