"""``sync``: one incremental sync, with progress on stderr."""

from __future__ import annotations

import argparse
import sys

from amazon_tui.commands.common import EXIT_OK, EXIT_SERVICE
from amazon_tui.commands.output import print_document, safe_text


async def sync_command(service, args: argparse.Namespace) -> int:
    stores = [args.store] if args.store else None
    interactive = sys.stderr.isatty()

    def progress(update) -> None:
        line = f"{update.store}: {safe_text(update.message or update.phase)}"
        if update.phase == "amazon" and update.pages:
            line = f"{update.store}: page {update.pages}, {update.orders} orders"
        if interactive:
            print(f"\r\033[K{line}", end="" if update.phase not in ("done", "failed") else "\n", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    outcome = await service.sync(stores, progress=progress)
    if args.json:
        print_document(
            service,
            stores=[
                {"store": r.store, "pages": r.pages, "orders": r.orders, "new": len(r.inserted), "changed": len(r.changed), "magento_links": r.links}
                for r in outcome.reports
            ],
            failures=outcome.failures,
        )
    return EXIT_SERVICE if outcome.failures else EXIT_OK
