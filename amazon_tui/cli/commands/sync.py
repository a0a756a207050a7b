"""``sync``: one incremental sync, with progress on stderr; ``watch``: the leader's loop, headless."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime

from amazon_tui.cli.errors import EXIT_OK, EXIT_SERVICE
from amazon_tui.cli.output import print_document, safe_text


def syncable(service, store: str | None = None) -> list[str] | None:
    """The stores a sync covers (``store`` alone, or None: every active store), once the secrets their
    calls need are known to be set: a missing one is one ConfigError for all (exit 2), not one per store."""
    config = service.settings.config
    stores = [config.store(store).name] if store else None
    service.settings.secrets.require_for(stores or [s.name for s in config.stores if s.active])
    return stores


async def sync_command(service, args: argparse.Namespace) -> int:
    stores = syncable(service, args.store)
    interactive = sys.stderr.isatty()
    reported: set[str] = set()

    def progress(update) -> None:
        if update.phase in ("done", "failed"):
            reported.add(update.store)
        line = f"{update.store}: {safe_text(update.message or update.phase)}"
        if update.phase == "amazon" and update.pages:
            line = f"{update.store}: page {update.pages}, {update.orders} orders"
        if interactive:
            print(
                f"\r\033[K{line}",
                end="" if update.phase not in ("done", "failed") else "\n",
                file=sys.stderr,
                flush=True,
            )
        else:
            print(line, file=sys.stderr, flush=True)

    outcome = await service.sync(stores, progress=progress)
    for r in outcome.reports:  # joined the leader's sync: no progress came here, so its outcome
        if r.store not in reported:
            print(f"{r.store}: {len(r.inserted)} new, {len(r.changed)} changed", file=sys.stderr)
    for store, message in outcome.failures.items():
        if store not in reported:
            print(f"{store}: {safe_text(message)}", file=sys.stderr)
    if args.json:
        print_document(
            service,
            stores=[
                {
                    "store": r.store,
                    "pages": r.pages,
                    "orders": r.orders,
                    "new": len(r.inserted),
                    "changed": len(r.changed),
                    "magento_links": r.links,
                }
                for r in outcome.reports
            ],
            failures=outcome.failures,
            # each failure whole, as typed fields (README: the fields of an error)
            failure_causes={store: cause.as_json() for store, cause in outcome.causes.items()},
        )
    return EXIT_SERVICE if outcome.failures else EXIT_OK


async def watch_command(service, args: argparse.Namespace) -> int:
    """Run as the data dir's leader (or wait as its stand-by) until SIGINT or SIGTERM.

    For a host where no TUI is open all day: it syncs every ``sync.poll_seconds`` and whenever
    another process asks, and finishes every journaled cancellation. One line on stderr per
    event (the status line when it changes, each sync, each settled cancellation).
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    def event(text: str) -> None:
        print(f"{datetime.now(UTC):%H:%M:%S} {safe_text(text)}", file=sys.stderr, flush=True)

    syncable(service)
    if service.read_only:
        event("read-only: syncs only; cancellations are left to a process that may write")
    from amazon_tui.core.leadership.loops import run

    await run(service.duties, stop, on_event=event)
    return EXIT_OK
