"""The fault matrix in the TUI: every screen doing I/O × every fault (parameters: matrix.SCREENS × FAULTS).

Each test runs one screen through every fault: inject, press the retry key, see the one-line
cause with the key; lift the fault, press it again, see the data and no error line.
"""

from __future__ import annotations

import pytest

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.journal import CancelState
from amazon_tui.tui.screens.cancel_modal import CancelModal
from amazon_tui.tui.screens.magento_order import MagentoOrderScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.fault_matrix import CONNECTION_REFUSED, FAULTS, SCREENS, Target, applies
from tests.support.pilot import settle
from tests.support.transports import RefusableTransport
from tests.support.world import build

pytestmark = pytest.mark.usefixtures("no_developer_config", "instant_retries")

NETWORK = {
    "network": {"timeout_seconds": 0.5}
}  # short, for the timeout cells; ample for the in-process sandbox
STORE = "Acme US"


def is_get_feed(request) -> bool:
    return request.method == "GET" and "/feeds/2021-06-30/feeds/" in request.url.path


@pytest.fixture
def world(tmp_path):
    made: list[RefusableTransport] = []

    def wrap(inner):
        made.append(RefusableTransport(inner))
        return made[0]

    world = build(tmp_path, orders_per_store=60, background=False, overrides=NETWORK, wrap_transport=wrap)
    world.transport = made[0]
    world.service.cancellations.poll_interval = 0.02
    world.service.cancellations.poll_max_interval = 0.05
    yield world
    world.sandbox.close()


def inject(world, target: Target, fault: str) -> None:
    if fault == CONNECTION_REFUSED:
        world.transport.refusing = is_get_feed if target.operation == "getFeed" else True
        return
    operation, kind = target.injection(fault)
    world.sandbox.inject_fault(operation, kind, latency=3.0 if kind == "timeout" else 0.0)


def lift(world) -> None:
    world.transport.refusing = False
    world.sandbox.clear_faults()
    world.sandbox.release_hanging_requests()
    world.clock.advance(1)  # the sandbox's usage plans refill with its (fixed) clock


def cancelable(service) -> list[str]:
    rows = service.orders(
        OrderQuery(stores=(STORE,), statuses=(OrderStatus.UNSHIPPED,)), limit=1000
    )  # one seller: one set of buckets
    return [row.order_id for row in rows if service.cached_order(row.order_id).is_merchant_fulfilled]


def check_failure(problems: list[str], fault: str, shown: str, target: Target, key: str) -> None:
    expected = target.expected(fault)
    marker = FAULTS[fault][1]
    if expected not in shown or marker not in shown or f"press {key} to retry" not in shown or "\n" in shown:
        problems.append(
            f"{fault}: shown {shown!r}; "
            f"expected {expected!r}, {marker!r} and 'press {key} to retry' on one line"
        )


async def cycle(pilot, world, target: Target, act, failed, recovered, key: str = "r") -> list[str]:
    """For every fault: inject, ``act`` -> ``failed()`` is the line; lift, ``act`` -> ``recovered()``."""
    problems: list[str] = []
    for fault in FAULTS:
        if not applies(target, fault):
            continue
        inject(world, target, fault)
        await act(fault)
        check_failure(problems, fault, failed(), target, key)
        lift(world)
        await act(None)
        if (why := recovered()) is not None:
            problems.append(f"{fault}: not recovered after the fault was lifted: {why}")
    return problems


async def press_and_settle(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


SYNC_TARGETS = [t for t in SCREENS if t.operation == "searchOrders"]


@pytest.mark.parametrize("target", SYNC_TARGETS, ids=lambda t: t.name)
async def test_sync_screens_show_the_cause_and_r_retries(world, target):
    app = world.app
    await world.service.sync()
    async with app.run_test(size=(80, 24)) as pilot:
        if target.name.startswith("Store dashboard"):
            app.navigator.open_store(STORE)
        elif target.name.startswith("All Amazon Orders"):
            app.navigator.open_store(STORE)
            app.navigator.open_all_orders(STORE)
        elif target.name.startswith("Attention"):
            app.navigator.open_attention()
        await settle(pilot)
        screen = app.screen

        def recovered():
            if screen.failure:
                return screen.failure
            card = world.service.store_card(STORE)
            return None if card.error is None else card.error

        problems = await cycle(
            pilot, world, target, lambda _: press_and_settle(pilot, "r"), lambda: screen.failure, recovered
        )
        assert app.screen is screen and app.is_running
    assert not problems, "\n".join(problems)


async def test_magento_order_view_shows_the_cause_and_r_reloads(world):
    target = next(t for t in SCREENS if t.name == "Magento order view")
    app = world.app
    await world.service.sync()
    order_id = next(
        row.order_id for row in world.service.recent_orders(STORE) if world.service.magento_link(row.order_id)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MagentoOrderScreen(order_id, STORE))
        await settle(pilot)
        screen = app.screen
        assert screen.magento is not None

        def recovered():
            return screen.failure or (None if screen.magento is not None else "no Magento order shown")

        async def act(fault):
            screen.magento = None
            await press_and_settle(pilot, "r")

        problems = await cycle(pilot, world, target, act, lambda: screen.failure, recovered)
    assert not problems, "\n".join(problems)


async def test_order_details_show_the_cause_and_r_refreshes(world):
    target = next(t for t in SCREENS if t.operation == "getOrder")
    app = world.app
    await world.service.sync()
    order_id = world.service.recent_orders(STORE)[0].order_id
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OrderDetailsScreen(order_id, STORE))
        await settle(pilot)
        screen = app.screen
        before = world.sandbox.count("getOrder", 200)

        def recovered():
            return screen.failure or (
                None if world.sandbox.count("getOrder", 200) > before else "no getOrder answered"
            )

        async def act(fault):
            nonlocal before
            before = world.sandbox.count("getOrder", 200)
            await press_and_settle(pilot, "r")

        problems = await cycle(pilot, world, target, act, lambda: screen.failure, recovered)
        assert app.screen is screen
    assert not problems, "\n".join(problems)


async def open_modal(pilot, app, order_id: str, *, from_details: bool = True) -> CancelModal:
    if from_details:
        app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("c")
    else:
        app.cancellation.ask([order_id])
    await pilot.pause()
    await press_and_settle(pilot, "down", "enter", "enter")  # a reason, then Confirm
    return app.screen


@pytest.mark.parametrize(
    "target", [t for t in SCREENS if t.name.startswith("Cancel modal")], ids=lambda t: t.name
)
async def test_cancel_modal_shows_the_cause_and_enter_retries(world, target):
    app = world.app
    await world.service.sync()
    orders = iter(cancelable(world.service))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_modal(pilot, app, next(orders))  # learns the usage plans, as a session would
        assert not isinstance(app.screen, CancelModal)
        problems: list[str] = []
        for fault in FAULTS:
            if not applies(target, fault):
                continue
            app.navigator.open_home()
            order_id = next(orders)
            inject(world, target, fault)
            modal = await open_modal(pilot, app, order_id, from_details=False)
            if not isinstance(modal, CancelModal):
                problems.append(f"{fault}: the modal closed on a failure")
                lift(world)
                continue
            check_failure(problems, fault, modal.failure, target, "Enter")
            lift(world)
            await pilot.pause(0.21)  # a Button ignores Enter while it still shows the last press (0.2 s)
            await press_and_settle(pilot, "enter")
            entry = world.service.cancellation(order_id)
            if (
                isinstance(app.screen, CancelModal)
                or entry is None
                or entry.state not in (CancelState.SUBMITTED, CancelState.CANCELED)
            ):
                problems.append(
                    f"{fault}: not recovered: {getattr(app.screen, 'failure', '')!r}, "
                    f"journal {entry and entry.state}"
                )
        feeds = {
            e.feed_id
            for e in world.service.journal.unfinished()
            + [world.service.cancellation(o) for o in cancelable(world.service)]
            if e and e.feed_id
        }
        assert world.sandbox.count("createFeed", 202) >= len(feeds)
    assert not problems, "\n".join(problems)


async def test_cancel_follow_up_shows_the_cause_and_r_asks_again(world):
    target = next(t for t in SCREENS if t.operation == "getFeed")
    app = world.app
    await world.service.sync()
    orders = iter(cancelable(world.service))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_modal(pilot, app, next(orders))
        problems: list[str] = []
        for fault in FAULTS:
            if not applies(target, fault):
                continue
            app.navigator.open_home()
            order_id = next(orders)
            inject(world, target, fault)
            await open_modal(pilot, app, order_id)
            screen = app.screen
            if not isinstance(screen, OrderDetailsScreen):
                problems.append(
                    f"{fault}: expected Amazon Order Details, "
                    f"got {screen!r} {getattr(screen, 'failure', '')!r}"
                )
                lift(world)
                continue
            check_failure(problems, fault, screen.failure, target, "r")
            assert world.service.cancellation(order_id).state is CancelState.SUBMITTED
            lift(world)
            await press_and_settle(pilot, "r")
            state = world.service.cancellation(order_id).state
            if screen.failure or state is not CancelState.CANCELED:
                problems.append(f"{fault}: not recovered: {screen.failure!r}, journal {state}")
    assert not problems, "\n".join(problems)
