"""Terminal conditions: small terminals, resizing under load, NO_COLOR, 256/16 colours, TERM=screen,
mouse off and read-only — with Pilot, and the real app in a pseudo-terminal (bounded, local only)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest
from textual.color import Color

from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from amazon_tui.tui.widgets.error_line import MIN_HEIGHT, MIN_WIDTH, TooSmall
from amazon_tui.tui.widgets.store_card import StoreCardWidget
from tests.support.pilot import plain, settle
from tests.support.world import build

pytestmark = pytest.mark.usefixtures("no_developer_config", "instant_retries")


@pytest.fixture
def world(tmp_path):
    world = build(tmp_path, orders_per_store=30, background=False)
    yield world
    world.sandbox.close()


async def test_too_small_says_so_and_recovers_on_every_screen(world):
    app = world.app
    await world.service.sync()
    order_id = world.service.recent_orders("Acme US")[0].order_id
    async with app.run_test(size=(80, 24)) as pilot:
        for open_screen in (
            lambda: None,
            lambda: app.navigator.open_store("Acme US"),
            lambda: app.navigator.open_details(order_id),
        ):
            open_screen()
            await settle(pilot)
            screen = app.screen
            assert not screen.has_class("-too-small") and not screen.query_one(TooSmall).display
            for size in ((MIN_WIDTH - 1, 24), (80, MIN_HEIGHT - 1), (40, 10)):
                await pilot.resize_terminal(*size)
                await pilot.pause()
                assert screen.has_class("-too-small"), size
                message = plain(screen.query_one(TooSmall))
                assert "Terminal too small" in message and f"{MIN_WIDTH}×{MIN_HEIGHT}" in message
                assert screen.query_one(TooSmall).region.width > 0  # it is what the terminal shows
            await pilot.resize_terminal(MIN_WIDTH, MIN_HEIGHT)  # the minimum itself is usable
            await pilot.pause()
            assert not screen.has_class("-too-small")
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
        await pilot.press("q")


async def test_resize_while_a_worker_loads_does_not_crash(world):
    app = world.app
    await world.service.sync()
    order_id = world.service.recent_orders("Acme US")[0].order_id
    world.sandbox.inject_fault("getOrder", "latency", latency=0.4)
    world.sandbox.inject_fault("searchOrders", "latency", latency=0.4)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_sync()
        app.push_screen(OrderDetailsScreen(order_id, "Acme US"))
        for size in ((120, 40), (50, 12), (60, 16), (200, 60), (80, 24), (30, 8), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.05)
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, OrderDetailsScreen)
        assert app.screen.order is not None and not app.screen.failure


async def test_status_and_badges_are_words_not_only_colours(world):
    """NO_COLOR strips colours: every status a colour shows is also written out."""
    app = world.app
    await world.service.sync()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for card in app.screen.query(StoreCardWidget):
            text = card.lines["website"].plain
            assert card.card.status.value in text, text
        assert "SANDBOX" in app.screen.query_one("Breadcrumb").render().plain


async def test_store_card_sparklines_follow_the_theme(world):
    """The bars are the theme's $primary (faded for low days) over the card: a theme switch repaints them."""
    app = world.app
    await world.service.sync()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        card = app.screen.query(StoreCardWidget)[1]  # not focused: its background is the panel's

        def bar_colours() -> set:
            return {
                segment.style.color.triplet
                for segment in card.render_line(4)
                if segment.text in "▁▂▃▄▅▆▇█" and segment.text.strip()
            }

        seen = []
        for theme in ("textual-dark", "nord", "textual-light"):
            app.theme = theme
            await pilot.pause()
            _, base = card.background_colors
            primary = Color.parse(app.theme_variables["primary"])
            colours = bar_colours()
            assert (base + primary).rich_color.triplet in colours, theme  # the highest day
            seen.append(colours)
        assert len({frozenset(colours) for colours in seen}) == 3  # each theme its own bars


# -- the real app in a pseudo-terminal -----------------------------------------------------------

ESC = "\x1b"
TRUECOLOR = re.compile(r"\x1b\[[0-9;]*[34]8;2;")
PALETTE_256 = re.compile(r"\x1b\[[0-9;]*[34]8;5;")
RGB = re.compile(r"\x1b\[[0-9;]*?[34]8;2;(\d+);(\d+);(\d+)")
MOUSE_ON = "\x1b[?1000h"


def run_in_pty(
    tmp_path, env: dict, *args: str, wait_for: str = "Amazon Stores", timeout: float = 20.0
) -> tuple[str, int]:
    """Start ``amazon-tui --sandbox ARGS`` on an 80x24 pty, wait for ``wait_for``, press q;
    (output, exit code)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "NO_COLOR", "COLORTERM"))}
    environ |= {
        "AMAZON_TUI_DATA_DIR": str(tmp_path / "data"),
        "AMAZON_TUI_CONFIG": str(tmp_path / "absent.toml"),
        "HOME": str(tmp_path),
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "amazon_tui", "--sandbox", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environ,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + timeout
    quit_sent = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            text = output.decode("utf-8", "replace")
            if not quit_sent and wait_for in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text):
                time.sleep(0.3)
                os.write(master, b"q")
                quit_sent = True
            if process.poll() is not None:
                break
        code = process.wait(timeout=5)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # our own child's session only
            process.wait()
        os.close(master)
    return output.decode("utf-8", "replace"), code


TERMINALS = {
    "tmux 256 colours": ({"TERM": "tmux-256color", "TEXTUAL_COLOR_SYSTEM": "256"}, ()),
    "screen 16 colours": ({"TERM": "screen", "TEXTUAL_COLOR_SYSTEM": "standard"}, ()),
    "NO_COLOR": ({"TERM": "xterm-256color", "NO_COLOR": "1", "TEXTUAL_COLOR_SYSTEM": "truecolor"}, ()),
    "mouse off, read-only": ({"TERM": "xterm-256color"}, ("--no-mouse", "--read-only")),
}


@pytest.mark.parametrize("name", TERMINALS)
def test_real_terminal(tmp_path, name):
    env, args = TERMINALS[name]
    output, code = run_in_pty(tmp_path, env, *args)
    plain_text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)
    assert code == 0, plain_text[-2000:]
    assert "Traceback" not in plain_text and "SANDBOX" in plain_text and "Acme US" in plain_text
    if name == "tmux 256 colours":
        assert PALETTE_256.search(output) and not TRUECOLOR.search(output)
    if name == "screen 16 colours":
        assert not PALETTE_256.search(output) and not TRUECOLOR.search(output)
    if name == "NO_COLOR":
        hues = {match.groups() for match in RGB.finditer(output) if len(set(match.groups())) > 1}
        assert not hues and not PALETTE_256.search(output)  # Textual's NO_COLOR: shades of grey only
        assert "Inactive" in plain_text and (
            "Incomplete" in plain_text or "Active" in plain_text
        )  # the dots' words stay
    if name == "mouse off, read-only":
        assert MOUSE_ON not in output and "READ-ONLY" in plain_text
    else:
        assert MOUSE_ON in output


async def test_the_error_line_keeps_its_retry_key_visible_at_80_columns(world):
    from amazon_tui.tui.widgets.error_line import ErrorLine

    app = world.app
    await world.service.sync()
    world.sandbox.inject_fault("searchOrders", "500")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        line = app.screen.query_one(ErrorLine)
        shown = line.render().plain
        assert len(line.message) > 80 and line.region.width == 80 and line.region.height == 1
        assert (
            shown.startswith("⚠ Sync of Acme US")
            and shown.endswith("— press r to retry")
            and len(shown) <= 78
        )
