"""``stores``, ``orders``, ``order show``, ``order cancel``, ``sync``, ``resume``, ``audit``, ``attention``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from amazon_tui.commands.output import print_json, safe_text, table, use_colour
from amazon_tui.domain import CancelReason, Order, OrderQuery, OrderStatus, OrderSummary, SortField, format_timestamp

EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_REFUSED, EXIT_ATTENTION = 0, 1, 2, 3, 4


class UsageError(Exception):
    """Bad input from the command line (exit 2)."""


class Refused(Exception):
    """A rule forbids what was asked (exit 3)."""


def run(args: argparse.Namespace, body: Callable[..., Awaitable[int]]) -> int:
    """Open the service, run ``body(service, args)``, map failures to exit codes."""
    from amazon_tui.clients.errors import ServiceError
    from amazon_tui.local import DatabaseError
    from amazon_tui.service import AppService
    from amazon_tui.settings import load_settings, print_warnings

    settings = load_settings(config=args.config, sandbox=args.sandbox, read_only=getattr(args, "read_only", False))
    print_warnings(settings)

    async def main() -> int:
        service = AppService.open(settings)
        try:
            return await body(service, args)
        finally:
            await service.aclose()

    try:
        return asyncio.run(main())
    except UsageError as exc:
        print(f"amazon-tui: {safe_text(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except Refused as exc:
        print(f"amazon-tui: {safe_text(exc)}", file=sys.stderr)
        return EXIT_REFUSED
    except DatabaseError as exc:
        print(f"amazon-tui: {safe_text(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except ServiceError as exc:
        print(f"amazon-tui: {safe_text(exc)}", file=sys.stderr)
        return EXIT_SERVICE


def parse_date(text: str, *, end: bool = False) -> datetime:
    """A date (YYYY-MM-DD) or ISO 8601 timestamp; a bare date's end is its last second."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"bad date {text!r}: use YYYY-MM-DD or an ISO 8601 timestamp") from None
    if len(text.strip()) == 10 and end:
        value = value.replace(hour=23, minute=59, second=59)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UsageError(f"bad amount {text!r}: use a number like 25 or 19.99") from None
    if not value.is_finite():
        raise UsageError(f"bad amount {text!r}")
    return value


def summary_json(summary: OrderSummary) -> dict:
    return {
        "store": summary.store,
        "order_number": summary.order_id,
        "purchase_date": format_timestamp(summary.purchase_date),
        "status": summary.status.value,
        "status_label": summary.status_label,
        "buyer_name": summary.buyer_name,
        "total": str(summary.total.amount) if summary.total else None,
        "currency": summary.total.currency if summary.total else None,
        "notes": summary.notes,
        "magento_order_number": summary.magento_increment_id,
        "fulfilled_by": summary.fulfilled_by.value if summary.fulfilled_by else None,
        "latest_ship_date": format_timestamp(summary.ship_by) if summary.ship_by else None,
    }


def _money(value) -> str | None:
    return None if value is None else str(value.amount)


def order_json(order: Order, summary: OrderSummary | None) -> dict:
    """Every field of the Amazon Order Details tabs."""
    address = order.address
    return {
        **(summary_json(summary) if summary else {}),
        "store": order.store,
        "order_number": order.order_id,
        "status": order.status.value,
        "status_label": summary.status_label if summary else order.status.label,
        "purchase_date": format_timestamp(order.created),
        "last_updated": format_timestamp(order.last_updated),
        "latest_ship_date": format_timestamp(order.ship_by) if order.ship_by else None,
        "buyer_name": order.buyer_name,
        "buyer_email": order.buyer_email,
        "total": _money(order.total),
        "currency": order.currency,
        "notes": order.notes,
        "prime": order.is_prime,
        "premium": order.is_premium,
        "business": order.is_business,
        "shipping_service_level": order.service_level,
        "fulfilled_by": order.fulfilled_by.value if order.fulfilled_by else None,
        "items_shipped": order.items_shipped,
        "items_unshipped": order.items_unshipped,
        "shipping_address": address.model_dump() if address else None,
        "items": [
            {
                "order_item_id": item.order_item_id,
                "asin": item.asin,
                "seller_sku": item.seller_sku,
                "title": item.title,
                "condition": item.condition,
                "subcondition": item.subcondition,
                "quantity_ordered": item.quantity_ordered,
                "quantity_shipped": item.quantity_shipped,
                "row_price": _money(item.row_total),
                "row_tax": _money(item.row_tax),
                "shipping_price": _money(item.shipping_price),
                "promotion_discount": _money(item.promotion_discount),
                "buyer_cancellation_request": item.cancellation_request.reason if item.cancellation_request else None,
            }
            for item in order.items
        ],
        "packages": [
            {
                "reference_id": package.reference_id,
                "carrier": package.carrier,
                "shipping_service": package.shipping_service,
                "tracking_number": package.tracking_number,
                "ship_date": format_timestamp(package.ship_time) if package.ship_time else None,
                "status": package.status,
                "items": [{"order_item_id": line.order_item_id, "quantity": line.quantity} for line in package.lines],
            }
            for package in order.packages
        ],
    }


def _money_text(value) -> str:
    return value.format() if value is not None else "—"


# -- stores ------------------------------------------------------------------------------------


async def stores_command(service, args: argparse.Namespace) -> int:
    cards = service.store_cards()
    if args.json:
        print_json([
            {
                "name": card.name,
                "marketplace": card.marketplace.code,
                "status": card.status.value,
                "gmv_30_days": str(card.stats.gmv),
                "gmv_change_percent": None if card.stats.gmv_change is None else round(card.stats.gmv_change, 1),
                "currency": card.stats.currency or card.marketplace.currency,
                "awaiting_shipment": card.stats.awaiting_shipment,
                "last_sync": format_timestamp(card.last_sync) if card.last_sync else None,
                "error": card.error,
            }
            for card in cards
        ])
        return EXIT_OK
    rows = [
        (
            card.name,
            card.marketplace.code,
            card.status.value,
            f"{card.stats.currency or card.marketplace.currency} {card.stats.gmv:,.2f}",
            card.stats.awaiting_shipment,
            card.last_sync.strftime("%Y-%m-%d %H:%M") if card.last_sync else "never",
        )
        for card in cards
    ]
    print(table(["Store", "Market", "Status", "GMV 30 days", "Awaiting", "Last sync"], rows, flexible=[0, 2]))
    return EXIT_OK


# -- orders ------------------------------------------------------------------------------------


def build_query(service, args: argparse.Namespace) -> OrderQuery:
    stores: tuple[str, ...] = ()
    if args.store:
        stores = (service.settings.config.store(args.store).name,)
    try:
        statuses = tuple(OrderStatus.from_label(s) for s in args.status or ())
    except ValueError as exc:
        raise UsageError(f"{exc}; use one of: " + ", ".join(s.value for s in OrderStatus)) from None
    field, _, direction = args.sort.partition(":")
    try:
        sort = SortField(field.strip().lstrip("-"))
    except ValueError:
        raise UsageError(f"bad --sort {args.sort!r}; use FIELD or FIELD:asc / FIELD:desc with FIELD one of: " + ", ".join(f.value for f in SortField)) from None
    if direction not in ("", "asc", "desc"):
        raise UsageError(f"bad --sort direction {direction!r}; use asc or desc")
    descending = direction == "desc" or field.startswith("-") or (not direction and sort is SortField.PURCHASE_DATE)
    return OrderQuery(
        stores=stores,
        statuses=statuses,
        purchased_from=parse_date(args.since) if args.since else None,
        purchased_to=parse_date(args.until, end=True) if args.until else None,
        buyer_name=args.buyer,
        total_min=parse_amount(args.min_total) if args.min_total else None,
        total_max=parse_amount(args.max_total) if args.max_total else None,
        sort=sort,
        descending=descending,
    )


async def orders_command(service, args: argparse.Namespace) -> int:
    query = build_query(service, args)
    rows = service.orders(query, limit=args.limit)
    if args.json:
        print_json([summary_json(row) for row in rows])
        return EXIT_OK
    print(
        table(
            ["Purchase Date", "Order Number", "Status", "Buyer's Name", "Total", "Order Notes"],
            [
                (row.purchase_date.strftime("%Y-%m-%d %H:%M"), row.order_id, row.status_label, row.buyer_name or "—", _money_text(row.total), row.notes or "")
                for row in rows
            ],
            flexible=[3, 5],
            keep=[1],
        )
    )
    total = service.count(query)
    if total > len(rows):
        print(f"({len(rows)} of {total} orders; use --limit to see more)", file=sys.stderr)
    return EXIT_OK


async def _order(service, order_id: str, *, refresh: bool) -> Order:
    from amazon_tui.clients.errors import BadRequestError, NotFoundError

    cached = service.cached_order(order_id)
    if cached is not None and not refresh:
        return cached
    try:
        return await service.refresh_order(order_id, force=refresh)
    except (NotFoundError, LookupError):
        raise UsageError(f"unknown order number {order_id!r} (not in the local store, and Amazon does not know it)") from None
    except BadRequestError as exc:
        raise UsageError(f"bad order number {order_id!r}: {exc}") from None


async def order_show_command(service, args: argparse.Namespace) -> int:
    order = await _order(service, args.order, refresh=args.refresh)
    summary = service.order_summary(order.order_id)
    data = order_json(order, summary)
    if args.json:
        print_json(data)
        return EXIT_OK
    fields = [(key.replace("_", " ").capitalize(), data[key]) for key in (
        "order_number", "store", "status_label", "notes", "buyer_email", "buyer_name", "currency", "total", "prime", "premium",
        "purchase_date", "latest_ship_date", "shipping_service_level", "fulfilled_by", "business", "items_shipped", "items_unshipped",
        "magento_order_number",
    ) if key in data]
    width = max(len(name) for name, _ in fields)
    for name, value in fields:
        shown = "not provided by Amazon" if value is None and name in ("Buyer name", "Buyer email") else ("—" if value is None else value)
        print(f"{name:<{width}}  {safe_text(shown)}")
    address = order.address
    print(f"{'Shipping address':<{width}}  " + (safe_text(", ".join(filter(None, [address.name, address.line1, address.line2, address.line3, address.city, address.region, address.postal_code, address.country_code]))) if address else "not provided by Amazon"))
    print()
    print(table(["Qty Shipped", "Qty Ordered", "Title", "ASIN", "Seller SKU", "Row Price"], [
        (item.quantity_shipped, item.quantity_ordered, item.title or "", item.asin or "", item.seller_sku or "", _money_text(item.row_total)) for item in order.items
    ], flexible=[2, 4], keep=[3]))
    if order.packages:
        print()
        print(table(["Carrier", "Shipping Method", "Tracking Number", "Ship Date", "Status"], [
            (p.carrier or "", p.shipping_service or "", p.tracking_number or "", p.ship_time.strftime("%Y-%m-%d") if p.ship_time else "", p.status or "") for p in order.packages
        ], flexible=[1, 2]))
    return EXIT_OK


# -- cancel ------------------------------------------------------------------------------------


def _confirm(order_ids: list[str], reason: CancelReason) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("refusing to cancel without confirmation: stdin is not a terminal (pass --yes to confirm)")
    print(f"Cancel {len(order_ids)} Amazon order(s) with the reason {reason.label!r}? The reason is sent to Amazon and the buyer.", file=sys.stderr)
    for order_id in order_ids:
        print(f"  {order_id}", file=sys.stderr)
    return input("Type yes to confirm: ").strip().lower() == "yes"


RESUME_HINT = "amazon-tui: the cancellation is kept in the journal; run `amazon-tui resume` to finish it once the service answers."


async def order_cancel_command(service, args: argparse.Namespace) -> int:
    from amazon_tui.cancel import SUCCESS_MESSAGE, CancelRefused
    from amazon_tui.clients.errors import ServiceError

    try:
        reason = CancelReason.parse(args.reason)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if service.read_only:
        raise Refused("amazon-tui runs read-only: cancellation is switched off (--read-only or ui.read_only).")
    orders = [await _order(service, order_id, refresh=False) for order_id in dict.fromkeys(args.orders)]
    for order in orders:
        why = service.cancel_refusal(order)
        if why:
            raise Refused(f"order {order.order_id} ({order.status.label}): {why}")
    ids = [order.order_id for order in orders]
    if not args.yes and not _confirm(ids, reason):
        print("Nothing sent.", file=sys.stderr)
        return EXIT_REFUSED
    try:
        submissions = await service.cancel(ids, reason)
    except CancelRefused as exc:
        raise Refused(str(exc)) from None
    except ServiceError as exc:
        if not service.pending_cancellations():
            raise
        print(f"amazon-tui: {exc}", file=sys.stderr)
        print(RESUME_HINT, file=sys.stderr)
        return EXIT_SERVICE
    refused = [item for submission in submissions for item in submission.refused]
    failed = [item for submission in submissions for item in submission.failed]
    submitted = [entry for submission in submissions for entry in submission.submitted]
    for order_id, why in refused + failed:
        print(f"{order_id}: {safe_text(why)}", file=sys.stderr)
    results = {entry.order_id: ("submitted", entry.feed_id, None) for entry in submitted}
    if submitted:
        print(SUCCESS_MESSAGE, file=sys.stderr)
    if submitted and args.wait:
        print("Waiting for Amazon's processing report…", file=sys.stderr)
        try:
            finished = await service.finish_cancellations(submissions)
        except ServiceError as exc:
            print(f"amazon-tui: {exc}", file=sys.stderr)
            print(RESUME_HINT, file=sys.stderr)
            return EXIT_SERVICE
        for entry in finished:
            results[entry.order_id] = (entry.state.value, entry.feed_id, entry.message)
            print(f"{entry.order_id}: {entry.state.value}" + (f" — {safe_text(entry.message)}" if entry.state.value == "failed" else ""), file=sys.stderr)
    if args.json:
        print_json(
            [{"order_number": oid, "state": state, "feed_id": feed, "message": msg} for oid, (state, feed, msg) in results.items()]
            + [{"order_number": oid, "state": "refused", "feed_id": None, "message": why} for oid, why in refused]
            + [{"order_number": oid, "state": "failed", "feed_id": None, "message": why} for oid, why in failed]
        )
    else:
        for order_id, (state, feed, message) in results.items():
            print(f"{order_id}\t{state}\tfeed {feed}" + (f"\t{safe_text(message)}" if message and state == "failed" else ""))
    if failed or any(state == "failed" for state, _, _ in results.values()):
        return EXIT_SERVICE
    if refused and not submitted:
        return EXIT_REFUSED
    return EXIT_OK if not refused else EXIT_REFUSED


# -- resume ------------------------------------------------------------------------------------


async def resume_command(service, args: argparse.Namespace) -> int:
    """Finish the cancellations a crash, a kill or a closed session left in the journal."""
    pending = service.pending_cancellations()
    if not pending:
        if args.json:
            print_json([])
        else:
            print("No unfinished cancellations.", file=sys.stderr)
        return EXIT_OK
    print(f"Resuming {len(pending)} unfinished cancellation(s)…", file=sys.stderr)
    await service.resume_cancellations()
    entries = [service.cancellation(entry.order_id) or entry for entry in pending]
    still = {entry.order_id for entry in service.pending_cancellations()}
    rows = [
        {"order_number": e.order_id, "state": e.state.value, "feed_id": e.feed_id, "magento_done": e.magento_done, "message": e.message, "unfinished": e.order_id in still}
        for e in entries
    ]
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"{row['order_number']}\t{row['state']}\tfeed {row['feed_id']}" + ("\tunfinished" if row["unfinished"] else "") + (f"\t{safe_text(row['message'])}" if row["state"] == "failed" else ""))
    if still or any(row["state"] == "failed" for row in rows):
        return EXIT_SERVICE
    return EXIT_OK


# -- sync ----------------------------------------------------------------------------------------


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
        print_json({
            "stores": [
                {"store": r.store, "pages": r.pages, "orders": r.orders, "new": len(r.inserted), "changed": len(r.changed), "magento_links": r.links}
                for r in outcome.reports
            ],
            "failures": outcome.failures,
        })
    return EXIT_SERVICE if outcome.failures else EXIT_OK


# -- audit and attention -----------------------------------------------------------------------


async def audit_command(service, args: argparse.Namespace) -> int:
    entries = service.audit()
    if args.json:
        print_json([entry.as_json() for entry in entries])
        return EXIT_OK
    print(table(["Time", "Operator", "Order", "Reason", "Outcome", "Feed", "Message"], [
        (e.time.strftime("%m-%d %H:%M"), e.operator, e.order_id or "", e.reason or "", e.outcome, e.feed_id or "", e.message or "") for e in entries
    ], flexible=[6, 3, 1], keep=[2]))
    return EXIT_OK


async def attention_command(service, args: argparse.Namespace) -> int:
    """The Attention screen's list, in its order; exit 4 when anything needs action."""
    failures = (await service.sync()).failures if args.sync else {}
    for store, message in failures.items():
        print(f"amazon-tui: {store}: sync failed: {safe_text(message)}", file=sys.stderr)
    items = service.attention()
    now = service.clock()
    if args.json:
        print_json([
            {**summary_json(item.order), "reason": item.kind, "reason_label": item.label, "due": format_timestamp(item.due) if item.due else None,
             "time_left": item.time_left(now), "buyer_reason": item.buyer_reason, "new_or_changed": item.order.unseen}
            for item in items
        ])
    elif items:
        print(table(["Store", "Order Number", "Why", "When", "Buyer's Name", "Total"], [
            (i.order.store, i.order.order_id, i.label, i.time_left(now), i.order.buyer_name or "—", _money_text(i.order.total)) for i in items
        ], flexible=[4, 0, 2], keep=[1]))
    else:
        print("Nothing needs attention.")
    if failures:
        return EXIT_SERVICE
    return EXIT_ATTENTION if items else EXIT_OK


ATTENTION_HELP = """\
orders that need action now, across the active stores, most urgent first (the TUI's
Attention screen, key !): buyers' cancellation requests, then late shipments (Unshipped or
Partially Shipped past the latest ship date, most overdue first), then shipments due within
ui.due_soon_hours (least time left first). Amazon-fulfilled orders and orders being canceled
are left out. Reads the local store: pass --sync (or run `amazon-tui sync`) for fresh data.

exit status: 0 nothing needs attention, 4 something does (for cron and monitoring),\n1 a sync asked for with --sync failed."""


def add_commands(commands, common: Callable[[argparse.ArgumentParser], None], epilog: str) -> None:
    """Register the scripting commands on the main parser's sub-parsers."""
    fmt = argparse.RawDescriptionHelpFormatter

    def command(name: str, help_text: str, handler, *, store: bool = True, json_flag: bool = True, parent=commands) -> argparse.ArgumentParser:
        parser = parent.add_parser(name, help=help_text, description=help_text, epilog=epilog, formatter_class=fmt)
        common(parser)
        if store:
            parser.add_argument("--store", metavar="NAME", help="only this store")
        if json_flag:
            parser.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
        parser.set_defaults(handler=lambda args: run(args, handler))
        return parser

    command("stores", "the store cards as a table", stores_command, store=False)
    orders = command("orders", "orders from the local store, filtered and sorted", orders_command)
    orders.add_argument("--status", action="append", metavar="S", help="a status (UNSHIPPED or Unshipped...); repeat for several")
    orders.add_argument("--since", metavar="DATE", help="purchased on or after (YYYY-MM-DD or ISO 8601)")
    orders.add_argument("--until", metavar="DATE", help="purchased on or before")
    orders.add_argument("--buyer", metavar="TEXT", help="buyer's name contains")
    orders.add_argument("--min-total", metavar="N", help="total at least")
    orders.add_argument("--max-total", metavar="N", help="total at most")
    orders.add_argument("--sort", default="purchase_date", metavar="FIELD[:asc|desc]", help="purchase_date (default, newest first), order_number, status, buyer_name, total or notes; e.g. total:desc")
    orders.add_argument("--limit", type=int, default=50, metavar="N", help="at most N orders (default 50)")

    order = commands.add_parser("order", help="one order: show or cancel")
    order_commands = order.add_subparsers(title="order commands", metavar="COMMAND", required=True)
    show = command("show", "everything of the Amazon Order Details tabs", order_show_command, store=False, parent=order_commands)
    show.add_argument("order", metavar="ORDER", help="Amazon order number")
    show.add_argument("--refresh", action="store_true", help="fetch the order from Amazon first (one getOrder)")
    cancel = command("cancel", "cancel Unshipped merchant-fulfilled orders (one feed for all)", order_cancel_command, store=False, parent=order_commands)
    cancel.add_argument("orders", nargs="+", metavar="ORDER", help="Amazon order numbers")
    cancel.add_argument("--reason", required=True, help="one of: " + ", ".join(r.value for r in CancelReason))
    cancel.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    cancel.add_argument("--wait", action="store_true", help="wait for Amazon's processing report")
    cancel.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)

    command("sync", "sync orders from Amazon (and the Magento link index) once", sync_command)
    command("resume", "finish cancellations a crash or a closed session left unfinished (exit 1 if some stay unfinished or fail)", resume_command, store=False)
    command("audit", "the audit trail of cancellations", audit_command, store=False)
    attention = command("attention", "orders that need action now, across the active stores (exit 4 when any)", attention_command, store=False)
    attention.description = ATTENTION_HELP
    attention.add_argument("--sync", action="store_true", help="sync the active stores first (exit 1 if a sync fails)")
