"""``audit`` and ``attention``: the audit trail, and the orders that need action now."""

from __future__ import annotations

import argparse
import sys

from amazon_tui.cli.commands.common import money_text, summary_json
from amazon_tui.cli.commands.sync import syncable
from amazon_tui.cli.errors import EXIT_ATTENTION, EXIT_OK, EXIT_SERVICE
from amazon_tui.cli.output import print_document, print_table, safe_text, table, utc_minute
from amazon_tui.domain.values import format_timestamp


async def audit_command(service, args: argparse.Namespace) -> int:
    entries = service.audit()
    if args.json:
        print_document(service, entries=[entry.as_json() for entry in entries])
        return EXIT_OK
    print_table(
        service,
        table(
            ["Time", "Operator", "Order", "Reason", "Outcome", "Feed", "Message"],
            [
                (
                    utc_minute(e.time),
                    e.operator,
                    e.order_id or "",
                    e.reason or "",
                    e.outcome,
                    e.feed_id or "",
                    e.message or "",
                )
                for e in entries
            ],
            flexible=[6, 1],
        ),
    )
    return EXIT_OK


async def attention_command(service, args: argparse.Namespace) -> int:
    """The Attention screen's list, in its order; exit 4 when anything needs action."""
    if args.sync:
        syncable(service)
    outcome = await service.sync() if args.sync else None
    failures = outcome.failures if outcome else {}
    causes = {store: cause.as_json() for store, cause in outcome.causes.items()} if outcome else {}
    for store, message in failures.items():
        print(f"amazon-tui: {store}: sync failed: {safe_text(message)}", file=sys.stderr)
    items = service.attention()
    now = service.clock()
    if args.json:
        print_document(
            service,
            failures=failures,
            failure_causes=causes,
            orders=[
                {
                    **summary_json(item.order),
                    "reason": item.kind,
                    "reason_label": item.label,
                    "due": format_timestamp(item.due) if item.due else None,
                    "time_left": item.time_left(now),
                    "buyer_reason": item.buyer_reason,
                    "problem": item.problem,
                    "new_or_changed": item.order.unseen,
                }
                for item in items
            ],
        )
    elif items:
        print_table(
            service,
            table(
                ["Store", "Order Number", "Why", "When", "Buyer's Name", "Total"],
                [
                    (
                        i.order.store,
                        i.order.order_id,
                        i.label,
                        i.time_left(now),
                        i.order.buyer_name,
                        money_text(i.order.total),
                    )
                    for i in items
                ],
                flexible=[4, 0],
            ),
        )
    else:
        print("Nothing needs attention.")
    if failures:
        return EXIT_SERVICE
    return EXIT_ATTENTION if items else EXIT_OK


ATTENTION_HELP = """\
orders that need action now, across the active stores, most urgent first (the TUI's
Attention screen, key !): buyers' cancellation requests, then shipments made in Magento that
Amazon has not confirmed (pending, or refused with Amazon's words), then late shipments (Unshipped or
Partially Shipped past the latest ship date, most overdue first), then shipments due within
ui.due_soon_hours (least time left first). Amazon-fulfilled orders and orders being canceled
are left out. Reads the local store: pass --sync (or run `amazon-tui sync`) for fresh data.

exit status: 0 nothing needs attention, 4 something does (for cron and monitoring),
1 a sync asked for with --sync failed."""
