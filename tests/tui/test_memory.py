"""A screen left with escape is released: the screen, its widgets and the lines they rendered."""

from __future__ import annotations

import gc
import weakref

from textual._styles_cache import StylesCache
from textual.widget import Widget

from amazon_tui.tui.screens.all_orders import AllOrdersScreen
from amazon_tui.tui.screens.dashboard import DashboardScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import settle


def _live(refs: list[weakref.ref]) -> list:
    gc.collect()
    return [obj for ref in refs if (obj := ref()) is not None]


async def test_a_popped_order_details_screen_is_garbage_collected_with_its_rendered_lines(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screens, widgets, caches = [], [], []
        for _ in range(3):
            await pilot.press("o")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, OrderDetailsScreen) and screen.order is not None
            screens.append(weakref.ref(screen))
            for widget in screen.walk_children(Widget, with_self=True):
                widgets.append(weakref.ref(widget))
                caches.append(weakref.ref(widget._styles_cache))
            del screen, widget
            await pilot.press("escape", "j")
            await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not _live(screens)
        assert not _live(widgets)
        # Textual's StylesCache.get_inner_outer lru_cache kept these (textual#6665) until the screen went.
        assert not _live(caches)


async def test_only_the_widgets_on_the_stack_keep_styles_caches(world):
    app = world.app
    gc.collect()
    # What an earlier test of this worker process may still hold (its app's background thread
    # ends within a second of its exit) is not this app's: only widgets made from here count.
    earlier = {id(obj) for obj in gc.get_objects() if isinstance(obj, Widget | StylesCache)}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for index in range(6):
            await pilot.press("o")
            await settle(pilot)
            await pilot.press("escape", "j")
            if index % 3 == 2:
                await pilot.press("a", "n", "s", "escape")
            await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not _live(
            [weakref.ref(o) for o in gc.get_objects() if isinstance(o, (OrderDetailsScreen, AllOrdersScreen))]
        )
        gc.collect()
        widgets = [obj for obj in gc.get_objects() if isinstance(obj, Widget) and id(obj) not in earlier]
        caches = [obj for obj in gc.get_objects() if isinstance(obj, StylesCache) and id(obj) not in earlier]
        assert all(widget.is_attached for widget in widgets)  # scrollbars too: no removed widget lingers
        assert {id(cache) for cache in caches} <= {id(widget._styles_cache) for widget in widgets}


async def test_footer_rebuilds_do_not_pile_up_watchers_of_removed_keys(world):
    from textual._context import active_message_pump

    from amazon_tui.tui.widgets.key_footer import KeyFooter

    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        for _ in range(5):
            footer._shown = None  # as if the keys shown had changed
            token = active_message_pump.set(footer)  # as when the screen's signal reaches it
            try:
                footer.bindings_changed(app.screen)
            finally:
                active_message_pump.reset(token)
            await settle(pilot)
        watchers = getattr(footer, "__watchers", {}).get("compact", [])
        bound = [
            key for key in footer.query("FooterKey") if key.action != "command_palette"
        ]  # Textual binds no watcher to it
        assert len(watchers) == len(bound)
