"""Shared steps of the Pilot tests."""

from __future__ import annotations

from rich.console import Console
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from amazon_tui.domain.values import OrderStatus


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and the screen repaint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_all_orders(pilot: Pilot, store: str = "Acme US"):
    """Settle the start screen, open the store's All Amazon Orders and settle it; the screen."""
    await settle(pilot)
    pilot.app.navigator.open_all_orders(store)
    await settle(pilot)
    return pilot.app.screen


def plain(widget: Static) -> str:
    """The text a Static shows, as the terminal would print it."""
    console = Console(width=200, force_terminal=False)
    with console.capture() as capture:
        console.print(widget.content)
    return capture.get()


def screen_text(app) -> str:
    """The text of the screen's Statics and store cards (each card renders its own lines)."""
    cards = [line.plain for card in app.screen.query("StoreCardWidget") for line in card.lines.values()]
    return "\n".join([plain(static) for static in app.screen.query(Static)] + cards)


def recent_index(app, predicate) -> int:
    """Row index in the dashboard's Recent Orders of the first order matching ``predicate``."""
    table = app.screen.query_one("#recent")
    for index, summary in enumerate(table.rows_shown):
        if predicate(summary):
            return index
    raise AssertionError("no such order in Recent Orders")


def cancelable_with_magento(service):
    def predicate(summary) -> bool:
        order = service.cached_order(summary.order_id)
        return (
            summary.status is OrderStatus.UNSHIPPED
            and order.is_merchant_fulfilled
            and service.magento_link(summary.order_id) is not None
        )

    return predicate


def visible_text(app) -> str:
    """What the terminal shows now, as plain lines (the composited screen, modals included)."""
    update = app.screen._compositor.render_update(full=True)
    console = Console(
        width=app.size.width, height=app.size.height, force_terminal=False, color_system=None, record=True
    )
    console.print(update, end="")
    return console.export_text()


async def text_through_scrolling(pilot: Pilot, scroller) -> str:
    """Everything ``scroller`` shows from its top to its end, a page at a time, as plain lines."""
    scroller.scroll_home(animate=False, immediate=True)
    await pilot.pause()
    pages = [visible_text(pilot.app)]
    while scroller.scroll_y < scroller.max_scroll_y:
        scroller.scroll_page_down(animate=False)
        await pilot.pause()
        pages.append(visible_text(pilot.app))
    return "\n".join(pages)


async def palette_hits(pilot: Pilot, typed: str) -> list[str]:
    """Open the palette, type, and return the prompts of the hits once the search settled."""
    app = pilot.app
    if not isinstance(app.screen, CommandPalette):
        await pilot.press("ctrl+p")
    palette = app.screen
    palette.query_one(CommandInput).value = typed
    seen: list[str] = []
    for _ in range(60):  # the palette searches in the background
        await pilot.pause(0.03)
        hits = palette.query_one(CommandList)
        now = [
            str(hits.get_option_at_index(i).prompt).split("\n")[0] for i in range(hits.option_count)
        ]  # the name, not its help
        if now and now == seen:
            return now
        seen = now
    return seen
