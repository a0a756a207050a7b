"""Audit log: one line per cancellation, in ASC's words, and Enter opens the order."""

from __future__ import annotations

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import settle, visible_text


async def test_one_line_per_cancellation_and_enter_opens_the_order(world):
    service = world.service
    await service.sync()
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60)
    order_ids = [r.order_id for r in rows if service.cached_order(r.order_id).is_merchant_fulfilled][:2]
    await service.cancel(order_ids, CancelReason.NO_INVENTORY)
    steps = len(service.audit())
    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.navigator.open_audit()
        await settle(pilot)
        table = app.screen.query_one("#audit")
        assert table.row_count == 2 < steps, "one line per cancellation, not one per step"
        text = visible_text(app)
        for order_id in order_ids:
            line = next(line for line in text.splitlines() if order_id in line and "in flight" not in line)
            assert "Submitted" in line and "No Inventory" in line and "Acme US" in line
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert (
            isinstance(app.screen, OrderDetailsScreen)
            and app.screen.order_id == app.service.cancellation_history()[1].order_id
        )


async def test_slash_filters_the_audit_log_and_escape_clears_it(world):
    service = world.service
    await service.sync()
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60)
    order_ids = [r.order_id for r in rows if service.cached_order(r.order_id).is_merchant_fulfilled][:3]
    await service.cancel(order_ids[:2], CancelReason.NO_INVENTORY)
    await service.cancel(order_ids[2:], CancelReason.BUYER_CANCELED)
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_audit()
        await settle(pilot)
        table = app.screen.query_one("#audit")
        assert table.row_count == 3
        await pilot.press("slash", *"buyer can")
        assert table.row_count == 1 and app.screen.entries[0].order_id == order_ids[2]
        await pilot.press("enter", "enter")  # Enter keeps the filter and returns to the list; Enter opens
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen) and app.screen.order_id == order_ids[2]
        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == 1, "the filter is kept on return"
        await pilot.press("slash", "escape")
        assert table.row_count == 3 and not app.screen.query_one("#audit-filter").display


async def test_audit_at_80x24_scrolls_sideways_and_keeps_amazons_words_apart(tmp_path):
    """Every column readable at 80x24: h/l scroll them a column at a time while the time and the
    order number stay; Amazon's message is Amazon's words or "—", amazon-tui's text is its own."""
    from amazon_tui.core.cancel.rules import FAILURE_MESSAGE, SUCCESS_MESSAGE
    from tests.support.pilot import plain
    from tests.support.world import build
    from tests.tui.audit_rows import three_outcomes

    world = build(tmp_path, background=False)
    app = world.app
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            ids = await three_outcomes(world)
            app.navigator.open_audit()
            await settle(pilot)

            def lines() -> dict[str, str]:
                text = visible_text(app).splitlines()
                found = {"header": next(line for line in text if line.startswith("Requested"))}
                for outcome, order_id in ids.items():
                    found[outcome] = next(line for line in text if order_id in line and "flight" not in line)
                return found

            first = lines()
            assert first["header"].split()[:6] == [
                "Requested",
                "Order",
                "Number",
                "Result",
                "Store",
                "Reason",
            ]
            assert "Canceled" in first["canceled"] and "Failed" in first["refused"]
            assert "Submitted" in first["waiting"] and "Buyer Canceled" in first["waiting"]
            assert "Amazon's message" not in first["header"]
            seen = [first]
            for _ in range(8):
                await pilot.press("l")
                seen.append(lines())
                if "Amazon's message" in seen[-1]["header"]:
                    break
            last = seen[-1]
            assert "Amazon's message" in last["header"] and "Result" not in last["header"]
            assert any("Feed" in view["header"] for view in seen) and any(
                "By" in view["header"] for view in seen
            )
            for outcome, order_id in ids.items():  # the time and order number stay in view
                assert last[outcome].startswith("2026-11-20 12:00 " + order_id)
            assert f"Order {ids['refused']}" in last["refused"]  # cut here; whole under the table
            assert last["canceled"].rstrip().endswith("—") and last["waiting"].rstrip().endswith("—")
            assert "Unable to cancel" not in last["refused"] and "has been canceled" not in last["canceled"]
            table = app.screen.query_one("#audit")
            table.move_cursor(
                row=app.screen.entries.index(
                    next(e for e in app.screen.entries if e.order_id == ids["refused"])
                )
            )
            await pilot.pause()
            detail = " ".join(plain(app.screen.query_one("#audit-detail")).split())
            assert detail.startswith(
                f"Amazon's message: Order {ids['refused']} has shipped items and can no longer be canceled. "
                "Use Seller Central for returns and refunds. "
                f"amazon-tui's note: {FAILURE_MESSAGE} Amazon: Order {ids['refused']}"
            )
            table.move_cursor(row=[e.order_id for e in app.screen.entries].index(ids["canceled"]))
            await pilot.pause()
            detail = " ".join(plain(app.screen.query_one("#audit-detail")).split())
            assert detail == f"Amazon's message: — amazon-tui's note: {SUCCESS_MESSAGE}"
            for _ in range(8):
                await pilot.press("h")
            assert lines()["header"] == first["header"]
    finally:
        world.sandbox.close()


def test_amazons_words_are_the_report_evidence_that_carries_them():
    """The Amazon's message column shows a row's cause only for the evidence whose cause is
    Amazon's text (an error naming our message, the feed refused whole)."""
    from amazon_tui.core.cancel.feed_xml import Evidence
    from amazon_tui.local.journal import AMAZON_WORDS

    assert {Evidence.ERROR.value, Evidence.REJECTED.value} == AMAZON_WORDS
