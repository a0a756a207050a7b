"""A child of bench/shared.py: the real TUI, headless, on a config, for SECONDS; it appends the
wall time of each reload caused by another process's change to RELOAD_LOG.

    python bench/shared_tui.py CONFIG SECONDS RELOAD_LOG   (AMAZON_TUI_DATA_DIR: the data dir)
"""

from __future__ import annotations

import sys
import time


def main(config: str, seconds: str, reload_log: str) -> None:
    from amazon_tui.config.settings import load_settings
    from amazon_tui.core.service import AppService
    from amazon_tui.tui.app import AmazonTuiApp

    service = AppService.open(load_settings(config=config))
    app = AmazonTuiApp(service, own_service=True)
    reload = app.live.reload

    def timed_reload() -> None:
        with open(reload_log, "a") as log:
            log.write(f"{time.time()}\n")
        reload()

    app.live.reload = timed_reload
    app.call_later(lambda: app.set_timer(float(seconds), app.exit))
    app.run(headless=True, size=(80, 24))


if __name__ == "__main__":
    main(*sys.argv[1:4])
