"""Below the minimum size no binding of any screen or modal acts; growing back restores it."""

from __future__ import annotations

import string

import pytest

from amazon_tui.domain.values import CancelReason
from amazon_tui.tui.screens.cancel_modal import CancelModal
from amazon_tui.tui.size_gate import QUIT_ACTIONS
from amazon_tui.tui.widgets.error_line import TooSmall
from tests.support.pilot import cancelable_with_magento, settle

EXTRA_KEYS = [
    "enter",
    "space",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "escape",
    "backspace",
    "slash",
    "question_mark",
    "exclamation_mark",
    "colon",
    "ctrl+p",
    "ctrl+r",
]


def cancelable(service) -> str:
    predicate = cancelable_with_magento(service)
    return next(row.order_id for row in service.recent_orders("Acme US", limit=60) if predicate(row))


async def open_stores(app, order_id):
    """The start screen."""


async def open_dashboard(app, order_id):
    app.navigator.open_store("Acme US")


async def open_all_orders(app, order_id):
    app.navigator.open_all_orders("Acme US")


async def open_magento_order(app, order_id):
    app.navigator.open_order(order_id)


async def open_details(app, order_id):
    app.navigator.open_details(order_id)


async def open_attention(app, order_id):
    app.navigator.open_attention()


async def open_audit(app, order_id):
    app.navigator.open_audit()


async def open_help(app, order_id):
    app.navigator.open_details(order_id)
    await app.workers.wait_for_complete()
    app.action_help()


async def open_cancel_modal(app, order_id):
    """The worst case of the issue: a reason chosen, Confirm focused, one Enter from sending."""
    app.navigator.open_details(order_id)
    await app.workers.wait_for_complete()
    app.cancellation.ask([order_id])


OPENERS = [
    open_stores,
    open_dashboard,
    open_all_orders,
    open_magento_order,
    open_details,
    open_attention,
    open_audit,
    open_help,
    open_cancel_modal,
]


@pytest.mark.parametrize("opener", OPENERS, ids=lambda opener: opener.__name__.removeprefix("open_"))
async def test_no_binding_acts_while_too_small_and_growing_back_restores(world, opener, monkeypatch):
    app = world.app
    await world.service.sync()
    order_id = cancelable(world.service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await opener(app, order_id)
        await settle(pilot)
        screen = app.screen
        if isinstance(screen, CancelModal):
            await pilot.press("enter")  # the reason under the cursor chosen: Enter on Confirm would send
            assert screen.reason is CancelReason.NO_INVENTORY and app.focused.id == "confirm"
        stack, focused = list(app.screen_stack), app.focused
        keys = {
            key for key, active in app.active_bindings.items() if active.binding.action not in QUIT_ACTIONS
        }
        keys = (keys | set(EXTRA_KEYS) | set(string.ascii_lowercase)) - {
            "q",
            "ctrl+c",
        }  # allowed: quit, ctrl+c
        assert len(keys) > len(EXTRA_KEYS) + 20

        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        assert screen.has_class("-too-small") and screen.query_one(TooSmall).display
        actions: list[str] = []
        original = app.run_action

        async def spy(action, *args, **kwargs):
            actions.append(action)
            return await original(action, *args, **kwargs)

        monkeypatch.setattr(app, "run_action", spy)
        for key in sorted(keys):
            await pilot.press(key)
        await pilot.press("c", "enter", "enter")  # the sequence
        await pilot.click(offset=(25, 6))
        await settle(pilot)
        assert actions == [], f"acted while too small: {actions}"
        assert list(app.screen_stack) == stack
        assert world.service.journal.all() == [] and world.sandbox.count("createFeed") == 0

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not screen.has_class("-too-small") and not screen.query_one(TooSmall).display
        assert list(app.screen_stack) == stack and app.focused is focused
        if isinstance(screen, CancelModal):
            assert screen.reason is CancelReason.NO_INVENTORY and not screen.submitting


async def test_quit_still_works_while_too_small(world):
    app = world.app
    async with app.run_test(size=(50, 12)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-too-small")
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_the_cancel_modal_opened_while_too_small_shows_the_notice_not_the_dialog(world):
    app = world.app
    await world.service.sync()
    order_id = cancelable(world.service)
    async with app.run_test(size=(80, 24)) as pilot:
        app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        app.cancellation.ask([order_id])  # e.g. a command already on its way
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, CancelModal)
        assert not modal.query_one("#cancel-dialog").display and modal.query_one(TooSmall).display
        await pilot.press("down", "enter", "enter")
        await settle(pilot)
        assert modal.reason is None and world.sandbox.count("createFeed") == 0
