"""The attention queue against the sandbox with a fixed clock: categories, order, counts, cancel.

The expected queue is computed from the sandbox's own order documents (the other side of the
wire), never from the app's store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from datetime import timedelta

from textual.command import CommandList, CommandPalette
from textual.widgets import Button, OptionList

from amazon_tui.cli.commands.audit import attention_command
from amazon_tui.domain.values import CancelReason
from amazon_tui.tui.screens.attention import AttentionScreen
from amazon_tui.tui.screens.cancel_modal import CancelModal
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import plain, settle
from tests.support.world import NOW

ACTIVE = ("Acme US", "Acme UK", "Acme CA")
OPEN = {"UNSHIPPED", "PARTIALLY_SHIPPED"}
NOT_SHIPPED = OPEN | {"PENDING", "PENDING_AVAILABILITY"}


def expected_queue(sandbox, due_soon_hours: int = 24) -> list[tuple[str, str]]:
    """(order number, kind) most urgent first, from the sandbox's documents."""
    stores = {store.seller_id: store.name for store in sandbox.stores if store.active}
    rows = sandbox.db.query("SELECT seller_id, doc FROM amazon_orders")
    found: list[tuple[int, str, str, str]] = []
    for row in rows:
        if row["seller_id"] not in stores:
            continue
        doc = json.loads(row["doc"])
        fulfillment = doc["fulfillment"]
        if fulfillment.get("fulfilledBy") != "MERCHANT":
            continue
        status = fulfillment["fulfillmentStatus"]
        latest = (fulfillment.get("shipByWindow") or {}).get("latestDateTime", "")
        asked = any(
            (item.get("cancellation") or {}).get("cancellationRequest", {}).get("requester") == "BUYER"
            for item in doc["orderItems"]
        )
        soon = (NOW + timedelta(hours=due_soon_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
        now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
        if asked and status in NOT_SHIPPED:
            found.append((0, latest, doc["orderId"], "buyer-cancel"))
        elif status in OPEN and latest and latest[:19] < now[:19]:
            found.append((1, latest, doc["orderId"], "late"))
        elif status in OPEN and latest and latest[:19] <= soon[:19]:
            found.append((2, latest, doc["orderId"], "due"))
    return [(order_id, kind) for _, _, order_id, kind in sorted(found)]


def _raw_store_counts(sandbox, queue: list[tuple[str, str]]) -> dict[str, tuple[int, int, int]]:
    names = {store.seller_id: store.name for store in sandbox.stores}
    counts = {name: [0, 0, 0] for name in ACTIVE}
    index = {"late": 0, "due": 1, "buyer-cancel": 2}
    for order_id, kind in queue:
        seller = sandbox.db.query("SELECT seller_id FROM amazon_orders WHERE order_id = ?", (order_id,))[0][0]
        counts[names[seller]][index[kind]] += 1
    return {name: tuple(values) for name, values in counts.items()}


async def open_attention(pilot) -> AttentionScreen:
    await settle(pilot)
    await pilot.press("exclamation_mark")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AttentionScreen)
    return pilot.app.screen


async def test_the_queue_lists_the_right_orders_most_urgent_first(world):
    queue = expected_queue(world.sandbox)
    assert {kind for _, kind in queue} == {"buyer-cancel", "late", "due"}
    async with world.app.run_test(size=(120, 40)) as pilot:
        screen = await open_attention(pilot)
        table = screen.table
        assert [(s.order_id, table.items[s.order_id].kind) for s in table.rows_shown] == queue
        for summary in table.rows_shown:
            item = table.items[summary.order_id]
            when = str(table.get_cell(summary.order_id, "when")).strip()
            if item.kind == "late":
                hours = int((NOW - item.due).total_seconds() // 3600)
                assert when == (f"overdue {hours} h" if hours < 48 else f"overdue {hours // 24} d")
            elif item.kind == "due":
                assert when.startswith("due in ")
        why = {str(table.get_cell(order_id, "why")).strip() for order_id, _ in queue}
        assert why == {"Buyer asked to cancel", "Late shipment", "Due soon"}
        summary = plain(screen.query_one("#attention-summary"))
        assert summary.startswith(f"{len(queue)} need action: ")


def test_cli_gives_the_same_list_in_the_same_order(world, capsys):
    queue = expected_queue(world.sandbox)

    async def run() -> int:
        await world.service.sync()
        return await attention_command(world.service, argparse.Namespace(json=True, sync=False))

    code = asyncio.run(run())
    rows = json.loads(capsys.readouterr().out)["orders"]
    assert code == 4
    assert [(row["order_number"], row["reason"]) for row in rows] == queue
    asked = next(row for row in rows if row["reason"] == "buyer-cancel")
    assert asked["buyer_reason"] and asked["reason_label"] == "Buyer asked to cancel"


async def test_cards_and_dashboard_show_the_three_counts(world):
    counts = _raw_store_counts(world.sandbox, expected_queue(world.sandbox))
    async with world.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for card in pilot.app.screen.cards:
            if card.store not in counts:
                continue
            late, due, asked = counts[card.store]
            assert re.fullmatch(
                f"{late} late, {due} due soon, {asked} (buyer cancel|cancel req.|cancel)",
                card.lines["state"].plain.strip(),
            )
        pilot.app.navigator.open_store("Acme US")
        await settle(pilot)
        late, due, asked = counts["Acme US"]
        shown = plain(pilot.app.screen.query_one("#attention-counts"))
        assert f"{late} late · {due} due soon · {asked} buyer" in shown


async def _buyer_row(pilot) -> tuple[AttentionScreen, str]:
    screen = await open_attention(pilot)
    first = screen.table.rows_shown[0]
    assert screen.table.items[first.order_id].kind == "buyer-cancel"
    return screen, first.order_id


def _buyer_reason(sandbox, order_id: str) -> str:
    doc = sandbox.get_order_raw(order_id)
    return next(
        item["cancellation"]["cancellationRequest"]["cancelReason"]
        for item in doc["orderItems"]
        if item.get("cancellation")
    )


async def test_c_on_a_buyer_request_preselects_buyer_canceled_and_shows_the_buyers_reason(world):
    async with world.app.run_test(size=(80, 24)) as pilot:
        screen, order_id = await _buyer_row(pilot)
        await pilot.press("c")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, CancelModal) and modal.order_ids == [order_id]
        assert modal.reason is CancelReason.BUYER_CANCELED
        assert _buyer_reason(world.sandbox, order_id) in plain(modal.query_one("#buyer-request")).replace(
            "\n", " "
        )
        confirm = modal.query_one("#confirm", Button)
        assert not confirm.disabled
        assert isinstance(modal.focused, OptionList), "a stray Enter must not send"
        assert modal.query_one(OptionList).highlighted_option.id == CancelReason.BUYER_CANCELED.value
        assert confirm.region.bottom <= 24, "Confirm is visible at 80x24"
        await pilot.press("enter")  # picks the reason: focus moves to Confirm, nothing sent
        await pilot.pause()
        assert modal.focused is confirm and world.sandbox.count("createFeed") == 0
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen and world.sandbox.count("createFeed") == 0
        await pilot.press("c", "enter", "enter")  # the operator confirms
        await settle(pilot)
        assert world.sandbox.count("createFeed") == 1
        assert order_id not in [s.order_id for s in screen.table.rows_shown], (
            "a cancellation under way leaves the queue"
        )


async def test_enter_then_c_also_preselects_and_late_orders_get_no_preselection(world):
    async with world.app.run_test(size=(120, 40)) as pilot:
        screen, order_id = await _buyer_row(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OrderDetailsScreen) and pilot.app.screen.order_id == order_id
        await pilot.press("c")
        await pilot.pause()
        assert pilot.app.screen.reason is CancelReason.BUYER_CANCELED
        await pilot.press("escape", "escape")
        await settle(pilot)
        late = next(
            s
            for s in screen.table.rows_shown
            if screen.table.items[s.order_id].kind == "late" and s.status.value == "UNSHIPPED"
        )
        screen.table.select(late.order_id)
        await pilot.press("c")
        await pilot.pause()
        modal = pilot.app.screen
        assert (
            isinstance(modal, CancelModal)
            and modal.reason is None
            and modal.query_one("#confirm", Button).disabled
        )
        assert not modal.query("#buyer-request")


async def test_palette_command_opens_attention(world):
    async with world.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(pilot.app.screen, CommandPalette):
                break
        await pilot.press(*"Attention")
        for _ in range(50):  # the palette searches in the background
            await pilot.pause(0.05)
            if pilot.app.screen.query(CommandList) and pilot.app.screen.query_one(CommandList).option_count:
                break
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AttentionScreen)


async def test_slash_filters_attention_and_star_marks_only_what_is_shown(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_attention()
        await settle(pilot)
        screen = app.screen
        everything = len(screen.table.rows_shown)
        await pilot.press("slash", *"acme us", "enter")
        await settle(pilot)
        shown = screen.table.rows_shown
        assert 0 < len(shown) < everything and {s.store for s in shown} == {"Acme US"}
        assert f"{len(shown)} shown" in plain(screen.query_one("#attention-summary"))
        await pilot.press("asterisk")
        assert screen.table.marked == {s.order_id for s in shown if s.cancelable_hint}
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert len(screen.table.rows_shown) == everything and screen.table.marked, (
            "clearing the filter keeps the marks"
        )


async def test_a_long_queue_lists_its_most_urgent_counts_all_and_the_filter_searches_all(world, monkeypatch):
    """Issue 32: a big store's queue (thousands) lists its head; the summary and `/` cover it all."""
    from amazon_tui.tui.screens import attention

    monkeypatch.setattr(attention, "SHOWN", 3)
    queue = expected_queue(world.sandbox)
    last = queue[-1][0]
    async with world.app.run_test(size=(120, 40)) as pilot:
        screen = await open_attention(pilot)
        assert [s.order_id for s in screen.table.rows_shown] == [order_id for order_id, _ in queue[:3]]
        summary = plain(screen.query_one("#attention-summary"))
        assert summary.startswith(f"{len(queue)} need action: ") and "3 shown" in summary
        await pilot.press("slash", *last)
        await settle(pilot)
        assert [s.order_id for s in screen.table.rows_shown] == [last]
