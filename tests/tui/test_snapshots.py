"""Every screen at 80x24 and 120x40 (pytest-textual-snapshot; plain def tests)."""

from __future__ import annotations

import pytest
from factory import build

from amazon_tui.domain import OrderQuery, OrderStatus

SIZES = [(80, 24), (120, 40)]


async def _synced(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _order(app, status: OrderStatus = OrderStatus.UNSHIPPED) -> str:
    """The newest merchant-fulfilled order of Acme US with this status and a Magento order."""
    service = app.service
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(status,)), limit=40)
    return next(r.order_id for r in rows if service.magento_link(r.order_id) is not None and service.cached_order(r.order_id).is_merchant_fulfilled)


async def _dashboard(pilot) -> None:
    await _synced(pilot)
    await pilot.press("enter")
    await _synced(pilot)


async def _magento(pilot) -> None:
    await _synced(pilot)
    pilot.app.open_store("Acme US")
    await _synced(pilot)
    pilot.app.open_order(_order(pilot.app))
    await _synced(pilot)


def _details(tab: str):
    async def run(pilot) -> None:
        await _synced(pilot)
        pilot.app.open_details(_order(pilot.app))
        await _synced(pilot)
        await pilot.press(tab)
        await _synced(pilot)

    return run


async def _shipped_tracking(pilot) -> None:
    await _synced(pilot)
    pilot.app.open_details(_order(pilot.app, OrderStatus.SHIPPED))
    await _synced(pilot)
    await pilot.press("3")
    await _synced(pilot)


async def _all_orders(pilot) -> None:
    await _synced(pilot)
    pilot.app.open_all_orders("Acme US")
    await _synced(pilot)
    await pilot.press("space")


async def _filters(pilot) -> None:
    await _all_orders(pilot)
    await pilot.press("f")
    await pilot.pause()


async def _cancel_modal(pilot) -> None:
    await _details("1")(pilot)
    await pilot.press("c", "down", "enter")
    await pilot.pause()


async def _help(pilot) -> None:
    await _dashboard(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


async def _audit(pilot) -> None:
    await _synced(pilot)
    pilot.app.open_audit()
    await _synced(pilot)


async def _attention(pilot) -> None:
    await _synced(pilot)
    await pilot.press("exclamation_mark")
    await _synced(pilot)


async def _attention_cancel(pilot) -> None:
    await _attention(pilot)
    await pilot.press("c")
    await pilot.pause()


SCREENS = {
    "stores": _synced,
    "dashboard": _dashboard,
    "magento": _magento,
    "details": _details("1"),
    "items": _details("2"),
    "tracking": _shipped_tracking,
    "all_orders": _all_orders,
    "filters": _filters,
    "cancel_modal": _cancel_modal,
    "help": _help,
    "audit": _audit,
    "attention": _attention,
    "attention_cancel": _attention_cancel,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen, size, snap_compare, tmp_path):
    world = build(tmp_path)
    try:
        assert snap_compare(world.app, terminal_size=size, run_before=SCREENS[screen])
    finally:
        world.sandbox.close()
