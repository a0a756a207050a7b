"""Live refresh: polls every [sync] poll_seconds, shows new orders without a keypress, writes
nothing when nothing changed, and stops cleanly on quit (the sandbox over HTTP, a fixed clock)."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest
from textual.notifications import Notify
from textual.worker import WorkerState

from amazon_tui.core.leadership.loops import run
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.tui.screens.attention import AttentionScreen
from amazon_tui.tui.screens.dashboard import DashboardScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from amazon_tui.tui.screens.stores import StoresScreen
from tests.support.pilot import settle
from tests.support.world import build

POLL = 1


@pytest.fixture
def live(tmp_path):
    world = build(tmp_path, poll_seconds=POLL)
    yield world
    world.sandbox.release_hanging_requests()
    world.sandbox.close()


async def wait_until(pilot, condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the app did not get there in time")


async def test_new_orders_show_up_with_a_notification_without_a_keypress(live):
    notes: list[str] = []
    hook = lambda message: notes.append(message.notification.message) if isinstance(message, Notify) else None  # noqa: E731
    async with live.app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
        live.app.navigator.open_store("Acme US")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)
        table = screen.query_one("#recent")
        before = table.current.order_id
        card = live.service.store_card("Acme US")
        awaiting = card.stats.awaiting_shipment
        new = live.sandbox.add_orders("Acme US", 3)
        live.clock.advance(150)  # Amazon lists an order once it is two minutes old
        await wait_until(pilot, lambda: set(new) <= {s.order_id for s in table.rows_shown})
        assert "3 new orders in Acme US" in notes
        marks = {s.order_id: str(table.get_cell(s.order_id, "mark")) for s in table.rows_shown}
        assert all(marks[order_id] == "● " for order_id in new), "new orders are marked until seen"
        assert table.current.order_id == before, "the cursor stays where the operator left it"
        shown = live.service.store_card("Acme US")
        assert shown.stats.order_count == card.stats.order_count + 3
        assert shown.stats.awaiting_shipment >= awaiting
        table.select(new[-1])  # the cursor rests on it: seen
        await pilot.pause()
        assert str(table.get_cell(new[-1], "mark")) == "  "
        assert not live.service.order_summary(new[-1]).unseen
        assert live.service.order_summary(new[0]).unseen


def _first_unshipped(app) -> str:
    return app.service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=1)[
        0
    ].order_id


@pytest.mark.parametrize("where", ["stores", "attention", "details"])
async def test_a_poll_that_brings_nothing_repaints_nothing(live, where):
    async with live.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if where == "attention":
            await pilot.press("exclamation_mark")
        elif where == "details":
            pilot.app.navigator.open_details(_first_unshipped(pilot.app))
        await settle(pilot)
        assert isinstance(
            pilot.app.screen,
            {"stores": StoresScreen, "attention": AttentionScreen, "details": OrderDetailsScreen}[where],
        )
        await pilot.pause(0.5)  # let the first paint of the screen finish
        displays: list[int] = []
        pilot.app.post_display_hook = lambda: displays.append(1)
        polls = live.sandbox.count("searchOrders")
        await wait_until(
            pilot, lambda: live.sandbox.count("searchOrders") >= polls + 6, seconds=8
        )  # two polls of three stores
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert displays == [], "an idle poll must write nothing to the terminal"


async def test_polls_never_overlap(live):
    live.sandbox.inject_fault("searchOrders", "latency", latency=2.5)
    async with live.app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(4.5)  # the start-up sync is still running when the timer fires
        running = [w for w in pilot.app.workers if w.group == "sync" and w.state is WorkerState.RUNNING]
        assert len(running) <= 1
        assert (
            len([w for w in pilot.app.workers if w.group == "sync" and w.state is WorkerState.CANCELLED]) == 0
        )
        live.sandbox.clear_faults()


async def test_quitting_during_a_poll_stops_cleanly(live, caplog):
    caplog.set_level(logging.ERROR, logger="asyncio")
    app = live.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        live.sandbox.inject_fault("searchOrders", "timeout")
        await wait_until(pilot, lambda: app.live.syncing)
        poll = next(w for w in app.workers if w.group == "sync")
        await pilot.press("q")
    await asyncio.sleep(0.1)
    gc.collect()
    assert poll.state is WorkerState.CANCELLED
    assert app.return_code in (0, None)
    assert not [
        r for r in caplog.records if "destroyed" in r.getMessage() or "exception" in r.getMessage().lower()
    ]


async def test_a_quiet_poll_keeps_last_updated_honest(live):
    async with live.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        card = pilot.app.screen.cards[0]
        before = card.lines["updated"].plain
        live.clock.advance(120)
        expected = f"Last Updated {live.clock().strftime('%Y-%m-%d %H:%M')}"
        await wait_until(pilot, lambda: card.lines["updated"].plain == expected)
        assert before != expected


def another_process(world):
    """A second service on the same data dir: its own SQLite connection, as another process has."""
    import httpx

    from amazon_tui.core.service import AppService

    return AppService(
        world.service.settings, transport=httpx.ASGITransport(app=world.sandbox.app), clock=world.clock
    )


async def test_a_cancellation_made_elsewhere_is_on_screen_within_a_second_with_the_cursor_kept(tmp_path):
    from amazon_tui.domain.values import CancelReason

    world = build(tmp_path, poll_seconds=0)
    async with world.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        world.app.navigator.open_store("Acme US")
        await settle(pilot)
        table = pilot.app.screen.query_one("#recent")
        await pilot.press("j", "j")
        before = table.current.order_id
        target = next(
            row
            for row in table.rows_shown
            if row.status is OrderStatus.UNSHIPPED
            and row.order_id != before
            and world.service.cached_order(row.order_id).is_merchant_fulfilled
        )
        other = another_process(world)
        try:
            assert world.app.live.watch() is False, "nothing changed yet"
            await other.cancel(
                [target.order_id], CancelReason.NO_INVENTORY
            )  # a CLI `order cancel` without --wait
            await wait_until(
                pilot,
                lambda: any(
                    row.order_id == target.order_id and row.cancel_state is not None
                    for row in table.rows_shown
                ),
                seconds=3,
            )
            assert table.current.order_id == before, "the cursor stays where the operator left it"
            # This TUI leads the data dir: it collects Amazon's report of the CLI's cancellation.
            await wait_until(
                pilot,
                lambda: any(
                    row.order_id == target.order_id and row.status is OrderStatus.CANCELLED
                    for row in table.rows_shown
                ),
                seconds=10,
            )
            await wait_until(pilot, lambda: world.service.cancellation(target.order_id).magento_done)
            entry = world.service.cancellation(target.order_id)
            assert entry.state.value == "canceled" and entry.attempts == 1  # one feed, sent by the leader
            assert world.service.leader.leading and not other.leader.leading
            assert world.sandbox.count("createFeed") == 1
            world.app.live.watch()  # whatever both processes wrote meanwhile, once
            other.mark_seen(None)  # another operator's cursor clearing marks is no change to show
            await pilot.pause()
            assert world.app.live.watch() is False
        finally:
            await other.aclose()
    world.sandbox.close()


async def test_a_sync_by_the_leader_elsewhere_updates_the_cards_and_nothing_is_reloaded_when_idle(tmp_path):
    world = build(tmp_path, poll_seconds=0)
    other = another_process(world)  # `amazon-tui watch`, the data dir's leader
    other.leader.keep_lease = True
    assert other.leader.tick() is True
    stop = asyncio.Event()
    watching = asyncio.ensure_future(run(other.duties, stop))
    try:
        async with world.app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert world.service.leader.leading is False
            new = world.sandbox.add_orders("Acme US", 2)
            world.clock.advance(150)
            await other.sync(["Acme US"])
            assert world.app.live.watch() is True
            await settle(pilot)
            assert set(new) <= {row.order_id for row in world.service.recent_orders("Acme US", limit=60)}
            assert world.app.live.watch() is False, "one change, one reload"
            assert world.service.leader.leading is False, "the TUI never took the live leader's lease"
    finally:
        stop.set()
        await watching
        await other.aclose()
    world.sandbox.close()


async def test_a_cron_sync_asks_the_leading_tui_which_syncs_once_and_shows_it(tmp_path):
    world = build(tmp_path, poll_seconds=0)
    async with world.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: world.service.leader.leading)
        assert "Leader: this TUI" in pilot.app.screen.query_one("#leader-status").content.plain
        other = another_process(world)  # a cron `amazon-tui sync`: not the leader
        try:
            new = world.sandbox.add_orders("Acme US", 2)
            world.clock.advance(150)
            world.sandbox.clear_log()
            outcome = await asyncio.wait_for(other.sync(["Acme US"]), 10)
            assert not other.leader.leading
            assert [r.store for r in outcome.reports] == ["Acme US"] and set(
                outcome.reports[0].inserted
            ) == set(new)
            assert world.sandbox.count("searchOrders") == 1, "one sync, by the leader"
            await settle(pilot)
            assert set(new) <= {row.order_id for row in world.service.recent_orders("Acme US", limit=60)}
            card = next(c for c in pilot.app.screen.cards if c.store == "Acme US")
            assert card.card.stats.order_count == world.service.store_card("Acme US").stats.order_count
        finally:
            await other.aclose()
    world.sandbox.close()
