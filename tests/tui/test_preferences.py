"""Preferences survive a restart: the palette's theme, the 30/7-day toggle, All Orders as left."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from amazon_tui.domain.values import SortField
from amazon_tui.tui.screens.all_orders import AllOrdersScreen
from tests.support.pilot import settle, visible_text
from tests.support.world import build


def _preferences_file() -> Path:
    return Path(os.environ["AMAZON_TUI_DATA_DIR"]) / "state" / "preferences.json"


async def _session(tmp_path, name, steps):
    """One start of the app (its own sandbox and database; the same state dir), running ``steps``."""
    world = build(tmp_path / name)
    try:
        async with world.app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            return await steps(world.app, pilot)
    finally:
        world.sandbox.close()


async def test_theme_period_and_all_orders_view_are_restored_on_the_next_start(tmp_path):
    async def first(app, pilot):
        app.theme = "nord"  # what the palette's "Theme" command does
        app.navigator.open_store("Acme US")
        await settle(pilot)
        await pilot.press("t")  # 7 days
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("slash", *"Kenji", "enter", "s", "j")
        await settle(pilot)
        return app.screen.table.current.order_id

    left_on = await _session(tmp_path, "first", first)
    assert stat.S_IMODE(_preferences_file().stat().st_mode) == 0o600

    async def second(app, pilot):
        assert app.theme == "nord"
        app.navigator.open_store("Acme US")
        await settle(pilot)
        assert app.screen.days == 7 and "7 days" in visible_text(app)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AllOrdersScreen)
        assert screen.query_state.quick == "Kenji" and screen.query_state.sort is SortField.ORDER_NUMBER
        assert screen.query_one("#quick").display and screen.query_one("#quick").value == "Kenji"
        assert screen.table.current.order_id == left_on

    await _session(tmp_path, "second", second)


async def test_an_unreadable_preferences_file_is_set_aside_with_a_notice(tmp_path):
    _preferences_file().parent.mkdir(parents=True)
    _preferences_file().write_text('{"theme": 42, "orders_views": "nonsense"')

    async def start(app, pilot):
        assert app.theme == "textual-dark" or app.theme == app.service.settings.config.ui.theme
        return [notification.message for notification in app._notifications]

    notices = await _session(tmp_path, "one", start)
    assert any("could not be read" in message for message in notices)
    assert (_preferences_file().parent / "preferences.json.unreadable").exists()


async def test_a_bad_page_is_ignored_with_a_notice_and_the_other_preferences_kept(tmp_path):
    """Issue 30: page -5 showed "page -4 of 4"; now page 1, the theme and the filter stay."""
    _preferences_file().parent.mkdir(parents=True)
    view = {"query": {"quick": "Kenji"}, "page": -5, "order_id": None}
    document = {"theme": "nord", "orders_views": {"sandbox\x1fAcme US": view}}
    _preferences_file().write_text(json.dumps(document))

    async def start(app, pilot):
        assert app.theme == "nord"
        notices = [notification.message for notification in app._notifications]
        app.navigator.open_all_orders("Acme US")
        await settle(pilot)
        assert app.screen.query_state.quick == "Kenji" and app.screen.page == 0
        assert "page 1 of 1 · " in visible_text(app)
        return notices

    notices = await _session(tmp_path, "one", start)
    assert notices == [
        "Preference ignored: page -5 of All Amazon Orders in Acme US "
        f"(should be greater than or equal to 0). The others in {_preferences_file()} are used."
    ]


async def test_saved_filters_that_no_longer_validate_are_dropped_with_a_notice(tmp_path):
    _preferences_file().parent.mkdir(parents=True)
    view = {"query": {"sort": "colour"}, "page": 2, "order_id": None}
    _preferences_file().write_text(json.dumps({"orders_views": {"sandbox\x1fAcme US": view}}))

    async def start(app, pilot):
        app.navigator.open_all_orders("Acme US")
        await settle(pilot)
        assert app.screen.page == 0 and app.screen.query_state.sort is SortField.PURCHASE_DATE
        return [notification.message for notification in app._notifications]

    (notice,) = await _session(tmp_path, "one", start)
    assert notice.startswith('Preference ignored: sort "colour" of All Amazon Orders in Acme US (should be ')
