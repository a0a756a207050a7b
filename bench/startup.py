"""1 startup: process start to the first paint of the store cards vs. a bare Textual app.

Each run is a fresh interpreter (headless) that exits at its first painted frame and prints
the wall-clock time of that frame; the parent subtracts the time it spawned the process.
The product goes the real way: cli argument parsing, settings, AppService.open (embedded
sandbox, warm local store), AmazonTuiApp with its background sync.
"""

from __future__ import annotations

import os
import sys
import time


TARGET = 1.5


def _spawn(kind: str, data_dir) -> float:
    import subprocess

    from common import BENCH, ROOT

    env = {**os.environ, "AMAZON_TUI_DATA_DIR": str(data_dir)}
    started = time.time()
    done = subprocess.run([sys.executable, str(BENCH / "startup.py"), kind], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return (float(done.stdout.strip().splitlines()[-1]) - started) * 1000


def run(quick: bool) -> list:
    import tempfile
    from pathlib import Path

    from common import Line, median

    runs = 3 if quick else 9
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        _spawn("warm", data_dir)  # seeds the sandbox; the first sync fills the local store
        product, bare = [], []
        for _ in range(runs):  # interleaved, so drift hits both alike
            bare.append(_spawn("bare", data_dir))
            product.append(_spawn("product", data_dir))
    measured, baseline = median(product), median(bare)
    return [Line("startup: first paint of store cards", measured, baseline, "ms", f"ratio <= {TARGET}", measured / baseline <= TARGET,
                 f"median of {runs}, headless, sandbox, warm local store")]


# -- the child processes ---------------------------------------------------------------------


def _first_paint(app, ready) -> None:
    """Print the wall-clock time of the first frame for which ``ready()`` holds, then exit."""
    display = app._display

    def hooked(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and not app._batch_count and ready():
            print(time.time(), flush=True)
            os._exit(0)  # nothing after the first paint is measured

    app._display = hooked


def _product() -> None:
    from amazon_tui import cli

    argv = ["--sandbox"]
    args = cli.build_parser(argv).parse_args(argv)
    settings = cli._settings(args)
    from amazon_tui.service import AppService
    from amazon_tui.tui.app import AmazonTuiApp

    app = AmazonTuiApp(AppService.open(settings), own_service=True)

    def ready() -> bool:
        cards = app.screen.query("StoreCardWidget")
        return bool(cards) and all(card.border_title for card in cards)

    _first_paint(app, ready)
    app.run(headless=True, size=(80, 24))


def _warm() -> None:
    import asyncio

    from amazon_tui.service import AppService
    from amazon_tui.settings import load_settings

    async def sync() -> None:
        service = AppService.open(load_settings(sandbox=True))
        await service.sync()
        await service.aclose()

    asyncio.run(sync())
    print(time.time())


def _bare() -> None:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

    app = Bare()
    _first_paint(app, lambda: bool(app.screen.query(Static)))
    app.run(headless=True, size=(80, 24))


if __name__ == "__main__":
    {"product": _product, "bare": _bare, "warm": _warm}[sys.argv[1]]()
