"""Screens issue 31 changed, at 80x24 and 120x40: the whole cause (`e`), the bulk Cancel Order
dialog, the reason cursor, the "No cancellation here" banner, an inactive store's dashboard."""

from __future__ import annotations

import httpx
import pytest

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from tests.support.world import build

SIZES = [(80, 24), (120, 40)]
REQUEST_ID = "5f0c8e8a-3b1d-4c2e-9a7f-1d2e3f4a5b6c"


class FixedRequestIds(httpx.AsyncBaseTransport):
    """The sandbox's answers with one request id (it makes a new one per answer): stable snapshots."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if "x-amzn-RequestId" in response.headers:
            response.headers["x-amzn-RequestId"] = REQUEST_ID
        return response


async def _synced(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _first(app, status: OrderStatus) -> str:
    rows = app.service.orders(OrderQuery(stores=("Acme US",), statuses=(status,)), limit=40)
    return next(row.order_id for row in rows if app.service.cached_order(row.order_id).is_merchant_fulfilled)


def _cause(world):
    async def run(pilot) -> None:
        await _synced(pilot)
        world.sandbox.inject_fault("searchOrders", "503")
        await pilot.press("r")
        await _synced(pilot)
        pilot.app.clear_notifications()  # the toast would cover the dialog's corner
        await pilot.press("e")
        await _synced(pilot)

    return run


def _bulk_cancel(world):
    async def run(pilot) -> None:
        await _synced(pilot)
        pilot.app.navigator.open_all_orders("Acme US")
        await _synced(pilot)
        await pilot.press("asterisk")
        pilot.app.clear_notifications()
        await pilot.press("c")
        await _synced(pilot)

    return run


def _reason_cursor(world):
    async def run(pilot) -> None:
        await _synced(pilot)
        pilot.app.navigator.open_details(_first(pilot.app, OrderStatus.UNSHIPPED))
        await _synced(pilot)
        await pilot.press("c")
        await _synced(pilot)

    return run


def _no_cancel_banner(world):
    async def run(pilot) -> None:
        await _synced(pilot)
        pilot.app.navigator.open_details(_first(pilot.app, OrderStatus.SHIPPED))
        await _synced(pilot)
        await pilot.press("2", "c")
        await _synced(pilot)

    return run


def _inactive_dashboard(world):
    async def run(pilot) -> None:
        await _synced(pilot)
        inactive = next(card.store for card in pilot.app.screen.cards if "-inactive" in card.classes)
        pilot.app.navigator.open_store(inactive)
        await _synced(pilot)

    return run


SCREENS = {
    "cause": _cause,
    "bulk_cancel": _bulk_cancel,
    "reason_cursor": _reason_cursor,
    "no_cancel_banner": _no_cancel_banner,
    "inactive_dashboard": _inactive_dashboard,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen, size, snap_compare, tmp_path, instant_retries):
    world = build(tmp_path, wrap_transport=FixedRequestIds)
    try:
        assert snap_compare(world.app, terminal_size=size, run_before=SCREENS[screen](world))
    finally:
        world.sandbox.clear_faults()
        world.sandbox.close()
