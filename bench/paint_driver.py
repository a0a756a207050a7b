"""A headless Textual driver for the startup benchmark: it reports the first ready frame.

Chosen with ``TEXTUAL_DRIVER=paint_driver:FirstPaintDriver`` (``bench/`` on PYTHONPATH), so the
product starts through its real entry point (``python -m amazon_tui``) untouched. Textual
imports the driver when the app is constructed, after every import of the start path.
At the first composited frame for which ``BENCH_READY`` holds, it prints the wall-clock
time and ends the process: nothing after the first paint is measured.
"""

from __future__ import annotations

import os
import time

from textual.drivers.headless_driver import HeadlessDriver

READY = {
    # the product: every store card painted with its title (set from the local store's data)
    "cards": lambda app: (
        bool(cards := app.screen.query("StoreCardWidget")) and all(card.border_title for card in cards)
    ),
    # the bare baseline: its one Static is there
    "static": lambda app: bool(app.screen.query("Static")),
}


class FirstPaintDriver(HeadlessDriver):
    """HeadlessDriver that wraps the app's ``_display`` (called with every composited frame)."""

    def start_application_mode(self) -> None:
        app, ready = self._app, READY[os.environ.get("BENCH_READY", "static")]
        display = app._display

        def hooked(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and not app._batch_count and ready(app):
                print(time.time(), flush=True)
                os._exit(0)

        app._display = hooked
        super().start_application_mode()
