"""Every screen and order state at 80x24 and 120x40 (pytest-textual-snapshot; plain def tests)."""

from __future__ import annotations

import copy

import pytest

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.sandbox.clock import iso
from tests.support.hostile import HOSTILE, make_hostile_amazon
from tests.support.world import build

SIZES = [(80, 24), (120, 40)]


async def _synced(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _order(app, status: OrderStatus = OrderStatus.UNSHIPPED) -> str:
    """The newest merchant-fulfilled order of Acme US with this status and a Magento order."""
    service = app.service
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(status,)), limit=40)
    return next(
        r.order_id
        for r in rows
        if service.magento_link(r.order_id) is not None
        and service.cached_order(r.order_id).is_merchant_fulfilled
    )


async def _dashboard(pilot) -> None:
    await _synced(pilot)
    await pilot.press("enter")
    await _synced(pilot)


async def _magento(pilot) -> None:
    await _synced(pilot)
    pilot.app.navigator.open_store("Acme US")
    await _synced(pilot)
    pilot.app.navigator.open_order(_order(pilot.app))
    await _synced(pilot)


def _details(tab: str):
    async def run(pilot) -> None:
        await _synced(pilot)
        pilot.app.navigator.open_details(_order(pilot.app))
        await _synced(pilot)
        await pilot.press(tab)
        await _synced(pilot)

    return run


async def _shipped_tracking(pilot) -> None:
    await _synced(pilot)
    pilot.app.navigator.open_details(_order(pilot.app, OrderStatus.SHIPPED))
    await _synced(pilot)
    await pilot.press("3")
    await _synced(pilot)


async def _all_orders(pilot) -> None:
    await _synced(pilot)
    pilot.app.navigator.open_all_orders("Acme US")
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
    pilot.app.navigator.open_audit()
    await _synced(pilot)


async def _attention(pilot) -> None:
    await _synced(pilot)
    await pilot.press("exclamation_mark")
    await _synced(pilot)


async def _attention_cancel(pilot) -> None:
    await _attention(pilot)
    await pilot.press("c")
    await pilot.pause()


async def _attention_marked(pilot) -> None:
    """Every cancelable order of the queue marked, and the bulk modal grouping them by store."""
    await _attention(pilot)
    await pilot.press("asterisk")
    pilot.app.clear_notifications()  # "Marked 13 …; 9 cannot be canceled here" would cover the buttons
    await pilot.press("c")
    await pilot.pause()


async def _ship_modal(pilot) -> None:
    await _details("3")(pilot)
    await pilot.press("s")
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
    "attention_marked": _attention_marked,
    "ship_modal": _ship_modal,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen, size, snap_compare, tmp_path):
    world = build(tmp_path)
    try:
        assert snap_compare(world.app, terminal_size=size, run_before=SCREENS[screen])
    finally:
        world.sandbox.close()


# -- Amazon Order Details in each state an operator meets ----------------------------------------


def _sandbox_order(sandbox, status: str, fulfilled_by: str = "MERCHANT", *, magento: bool = True) -> str:
    """The newest Acme US order Amazon holds with this status (and a Magento order when asked)."""
    rows = sandbox.db.query(
        "SELECT order_id FROM amazon_orders "
        "WHERE seller_id = 'A1SANDBOXACMEUS' AND fulfillment_status = ? AND fulfilled_by = ? "
        "ORDER BY created_time DESC, order_id",
        (status, fulfilled_by),
    )
    return next(
        row["order_id"]
        for row in rows
        if not magento or sandbox.magento_order_for(row["order_id"]) is not None
    )


def _rewritten(change):
    """A change of the order Amazon holds, made as an update Amazon would report."""

    def apply(sandbox, order_id: str) -> None:
        doc = sandbox.db.amazon_order(order_id)
        change(doc)
        doc["lastUpdatedTime"] = iso(sandbox.clock())
        sandbox.db.save_amazon_order(doc)

    return apply


@_rewritten
def _no_items(doc: dict) -> None:
    doc["orderItems"] = []


@_rewritten
def _fifty_items(doc: dict) -> None:
    first = doc["orderItems"][0]
    items = []
    for n in range(50):
        item = copy.deepcopy(first)
        item["orderItemId"] = f"{70000000000000 + n}"
        item["product"]["title"] = f"Replacement part no. {n + 1} for the Cast Iron Skillet 10 inch"
        item["product"]["sellerSku"] = f"PART-{n + 1:03d}"
        items.append(item)
    doc["orderItems"] = items


@_rewritten
def _long_titles(doc: dict) -> None:
    for item in doc["orderItems"]:
        item["product"]["title"] = (
            "Ultra-Premium Stainless Steel Professional Kitchen Knife Set with Block, " * 4 + "end of title"
        )
        item["product"]["sellerSku"] = "SKU-" + "X" * 56


@_rewritten
def _buyer_request(doc: dict) -> None:
    """The buyer asks to cancel (Orders 2026-01-01: orderItems[].cancellation.cancellationRequest)."""
    doc["orderItems"][0]["cancellation"] = {
        "cancellationRequest": {"requester": "BUYER", "cancelReason": "Ordered the wrong size"}
    }


def _hostile(sandbox, order_id: str) -> None:
    make_hostile_amazon(sandbox, order_id, HOSTILE)


def _canceling(sandbox, order_id: str) -> None:
    """Amazon takes the feed but (its clock stands still) never finishes it: the order stays Canceling…"""
    sandbox.feed_delay_seconds = 3600 * sandbox.time_scale


def _state(status: str, tab: str, *, fulfilled_by: str = "MERCHANT", change=None, cancel: bool = False):
    """(prepare the sandbox, open the order's details on ``tab``); the order is picked before the
    first sync."""
    chosen: dict[str, str] = {}

    def prepare(world) -> None:
        chosen["order"] = _sandbox_order(
            world.sandbox, status, fulfilled_by, magento=fulfilled_by == "MERCHANT" and status != "PENDING"
        )
        if change is not None:
            change(world.sandbox, chosen["order"])

    async def run(pilot) -> None:
        await _synced(pilot)
        pilot.app.navigator.open_details(chosen["order"])
        await _synced(pilot)
        await pilot.press(tab)
        await _synced(pilot)
        if (
            cancel
        ):  # No Inventory, confirmed, as an operator would; Amazon's report is awaited (workers stay busy)
            await pilot.press("c", "down", "enter", "enter")
            for _ in range(200):
                if (
                    not pilot.app.screen.is_modal
                    and pilot.app.service.cancellation(chosen["order"]) is not None
                ):
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            pilot.app.clear_notifications()  # the screen itself, not the toast that says it was sent

    return prepare, run


STATES = {
    "pending": _state("PENDING", "1"),
    "amazon_fulfilled": _state("SHIPPED", "1", fulfilled_by="AMAZON"),
    "error": _state("UNFULFILLABLE", "1", fulfilled_by="AMAZON"),
    "canceling": _state("UNSHIPPED", "1", change=_canceling, cancel=True),
    "no_items": _state("UNSHIPPED", "2", change=_no_items),
    "fifty_items": _state("UNSHIPPED", "2", change=_fifty_items),
    "hostile": _state("SHIPPED", "3", change=_hostile),
    "long_titles": _state("UNSHIPPED", "2", change=_long_titles),
    "buyer_request": _state("UNSHIPPED", "1", change=_buyer_request),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", list(STATES))
def test_order_state(state, size, snap_compare, tmp_path):
    world = build(tmp_path)
    prepare, run = STATES[state]
    try:
        prepare(world)
        assert snap_compare(world.app, terminal_size=size, run_before=run)
    finally:
        world.sandbox.close()


# -- the Audit log with a cancellation in each outcome ----------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_audit_outcomes(size, snap_compare, tmp_path, monkeypatch):
    """Canceled, refused by Amazon's report (its words apart from amazon-tui's) and in flight."""
    from tests.tui.audit_rows import three_outcomes

    monkeypatch.setenv("LOGNAME", "alice")  # the operator recorded, whoever runs the tests
    world = build(tmp_path, background=False)

    async def run(pilot) -> None:
        ids = await three_outcomes(world)
        pilot.app.navigator.open_audit()
        await _synced(pilot)
        entries = pilot.app.screen.entries
        pilot.app.screen.query_one("#audit").move_cursor(
            row=[e.order_id for e in entries].index(ids["refused"])
        )
        await pilot.pause()

    try:
        assert snap_compare(world.app, terminal_size=size, run_before=run)
    finally:
        world.sandbox.close()


# -- the Magento order view once a cancellation of ours refunded it -------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_magento_after_cancel(size, snap_compare, tmp_path, monkeypatch):
    """Canceled from Amazon Order Details, back with m: closed, refunded, commented, no r pressed."""
    monkeypatch.setenv("LOGNAME", "alice")  # the operator named in Magento's comment
    world = build(tmp_path, background=False)

    async def run(pilot) -> None:
        app = pilot.app
        await app.service.sync()
        app.navigator.open_store("Acme US")
        await _synced(pilot)
        app.navigator.open_order(_order(app))
        await _synced(pilot)
        await pilot.press("o", "c", "down", "enter", "enter")  # Amazon Order Details, No Inventory, Confirm
        await _synced(pilot)
        await pilot.press("m")
        await _synced(pilot)
        app.clear_notifications()
        app.screen.query_one("#magento").scroll_end(animate=False, immediate=True)  # totals and comments
        await pilot.pause()

    try:
        assert snap_compare(world.app, terminal_size=size, run_before=run)
    finally:
        world.sandbox.close()
