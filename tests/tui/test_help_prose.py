"""Help's prose names the keys as bound now: a `[keymap]` remap changes the words too."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import amazon_tui.tui.screens
from amazon_tui.tui.keymap import BINDING_IDS
from amazon_tui.tui.screens.help import KEY_OF, HelpScreen
from tests.support.pilot import plain, settle
from tests.support.world import build


def test_every_key_named_in_help_prose_is_a_binding_id():
    for module in pkgutil.iter_modules(amazon_tui.tui.screens.__path__, "amazon_tui.tui.screens."):
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            text = cls.__dict__.get("HELP")
            if cls.__module__ == loaded.__name__ and text:
                assert set(KEY_OF.findall(text)) <= BINDING_IDS, cls.__name__


async def _help_text(pilot) -> str:
    await pilot.press("question_mark")
    await pilot.pause()
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen)
    text = plain(help_screen.query_one(".help-about"))
    await pilot.press("escape")
    await pilot.pause()
    return " ".join(text.split())


async def test_help_prose_follows_the_keymap(tmp_path):
    keymap = {"cancel-order": "x", "tab-next": "n", "open-amazon": "v", "sort": "ctrl+s"}
    world = build(tmp_path, keymap=keymap)
    app = world.app
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # the dashboard
            await settle(pilot)
            dashboard = await _help_text(pilot)
            assert "v opens Amazon Order Details" in dashboard
            assert "x cancels the marked orders" in dashboard and "c cancels" not in dashboard
            order_id = app.screen.query_one("#recent").rows_shown[0].order_id
            app.navigator.open_all_orders("Acme US")
            await settle(pilot)
            all_orders = await _help_text(pilot)
            assert "^s sorts by the next column, S reverses it; n/p turn the page" in all_orders
            app.navigator.open_details(order_id)
            await settle(pilot)
            details = await _help_text(pilot)
            assert "1/2/3 or h/n switch tabs" in details and "x cancels an Unshipped" in details
            assert "{" not in dashboard + all_orders + details
    finally:
        world.sandbox.close()


def test_readme_keys_table_lists_every_binding_id():
    """README's Keys table names each binding id `[keymap]` takes, with its keys."""
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Keys\n", 1)[1].strip().split("\n\n", 1)[0]
    listed = set()
    for line in table.splitlines()[2:]:
        id_column = line.rstrip(" |").rsplit("|", 1)[1]
        listed |= set(re.findall(r"`([a-z0-9-]+)`", id_column))
        if "`reason-1`…`reason-0`" in id_column:  # the ten reasons, as a range
            listed |= {f"reason-{digit}" for digit in "1234567890"}
    assert listed == BINDING_IDS


async def test_key_hints_outside_help_follow_the_keymap(tmp_path):
    """The store cards' "Enter: View Store" and help's closing line name the remapped keys."""
    world = build(tmp_path, keymap={"view-store": "v", "close-help": "x"})
    app = world.app
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            card = app.screen.query("StoreCardWidget").first()
            assert str(card.border_subtitle) == "v: View Store"
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            texts = [plain(static) for static in app.screen.query("Static")]
            assert any(text.startswith("x closes · remap any id") for text in texts)
            await pilot.press("x")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
    finally:
        world.sandbox.close()
