"""``order ship`` and ``shipments``: confirm a package to Amazon, and what Amazon lacks yet."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from amazon_tui.cli.commands.common import load_order
from amazon_tui.cli.errors import EXIT_ATTENTION, EXIT_OK, EXIT_SERVICE, Refused, UsageError
from amazon_tui.cli.output import print_document, print_table, safe_text, table, utc_minute
from amazon_tui.domain.values import format_timestamp


def _confirm(order_id: str, what: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError(
            "refusing to confirm a shipment without confirmation: stdin is not a terminal (pass --yes)"
        )
    print(f"Tell Amazon that order {order_id} shipped: {what}? Amazon notifies the buyer.", file=sys.stderr)
    print("Type yes to confirm: ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() == "yes"


async def order_ship_command(service, args: argparse.Namespace) -> int:
    """Journal one package and have it confirmed (exit 3 when a rule refuses, 1 when Amazon does)."""
    from amazon_tui.core.ship.desk import ShipmentForm, ShipRefused
    from amazon_tui.core.ship.records import describe
    from amazon_tui.core.ship.rules import READ_ONLY_MESSAGE

    if service.read_only:
        raise Refused(READ_ONLY_MESSAGE, code="read_only")
    desk = service.ship_desk
    order = await load_order(service, args.order, refresh=False)
    refusal = desk.refusal(order)
    if refusal is not None:
        raise Refused(
            f"order {order.order_id} ({order.status.label}): {refusal.reason}", code=refusal.code.value
        )
    items = dict(args.items) if args.items else None
    if args.items and len({sku.casefold() for sku, _ in args.items}) != len(args.items):
        raise UsageError("each SKU may be named once in --items (in any case)")
    form = ShipmentForm(
        carrier=args.carrier,
        tracking_number=args.tracking,
        ship_date=args.date or service.clock(),
        shipping_method=args.method,
        items=items,
    )
    try:
        preview = desk.package(order, form, "1")
    except ShipRefused as exc:
        raise Refused(f"order {order.order_id}: {exc.refusal.reason}", code=exc.code.value) from None
    carrier = preview.carrier_name or preview.carrier_code
    count = sum(item.quantity for item in preview.items)
    what = f"{carrier} {preview.tracking_number}, {count} item{'s' if count != 1 else ''}"
    if not args.yes and not _confirm(order.order_id, what):
        raise Refused("not confirmed: nothing was sent", code="not_confirmed")
    try:
        row = await desk.ship(order.order_id, form)
    except ShipRefused as exc:  # Amazon's fresh copy says no (shipped or canceled meanwhile)
        raise Refused(f"order {order.order_id}: {exc.refusal.reason}", code=exc.code.value) from None
    said = {
        "confirmed": "Amazon's order shows the package: the shipment is confirmed.",
        "confirming": "Amazon accepted the confirmation; its order will show the package at the next sync.",
        "failed": f"Amazon did not take the confirmation: {row.cause}",
    }.get(row.state.value, "The confirmation is journaled; the data dir's leader sends it.")
    if args.json:
        print_document(service, results=[_row_json(row)])
    else:
        print(f"{row.order_id}\t{row.state.value}\t{safe_text(describe(row))}")
        print(safe_text(said), file=sys.stderr)
    return EXIT_SERVICE if row.state.value == "failed" else EXIT_OK


def _row_json(row) -> dict[str, object]:
    return {
        "order_number": row.order_id,
        "store": row.store,
        "package_id": row.package_id,
        "source": row.source,
        "magento_shipment_id": row.magento_shipment_id,
        "state": row.state.value,
        "carrier_code": row.carrier_code,
        "carrier_name": row.carrier_name,
        "tracking_number": row.tracking_number,
        "shipping_method": row.shipping_method,
        "ship_date": format_timestamp(row.ship_date) if row.ship_date else None,
        "items": [{"order_item_id": i.order_item_id, "quantity": i.quantity} for i in row.items],
        "attempts": row.attempts,
        "failure": row.failure.value if row.failure else None,
        "cause": row.cause,
        "operator": row.operator,
        "requested_at": format_timestamp(row.requested_at),
        "updated_at": format_timestamp(row.updated_at),
    }


async def shipments_command(service, args: argparse.Namespace) -> int:
    """Shipments Amazon has not confirmed (``--all``: the last 500 of every state); exit 4 when any
    is not confirmed."""
    journal = service.shipment_journal
    rows = journal.all() if args.all else journal.not_confirmed()
    open_rows = [row for row in rows if row.state.value != "confirmed"]
    if args.json:
        print_document(service, shipments=[_row_json(row) for row in rows])
    elif not rows:
        print("Every shipment journaled is confirmed on Amazon.", file=sys.stderr)
    else:
        print_table(
            service,
            table(
                ["Order", "Store", "Package", "From", "Carrier", "Tracking", "State", "Updated", "Why"],
                [
                    (
                        row.order_id,
                        row.store,
                        row.package_id,
                        row.source,
                        row.carrier,
                        row.tracking_number or "",
                        row.state.value,
                        utc_minute(row.updated_at),
                        row.cause or "",
                    )
                    for row in rows
                ],
                flexible=[8, 4],
            ),
        )
    return EXIT_ATTENTION if open_rows else EXIT_OK


@dataclass(frozen=True)
class Resumed:
    """What ``resume`` did with the unfinished shipment confirmations."""

    rows: list[dict[str, object]]
    failed: bool  # some failed, or stay unfinished


async def resume_shipments(service) -> Resumed:
    """Carry the unfinished shipment rows to their end (decided from Amazon's order), printing a
    line each unless ``--json``; a read-only session leaves them to one that may write."""
    unfinished = [] if service.read_only else service.shipment_journal.unfinished()
    if not unfinished:
        return Resumed([], False)
    print(f"Resuming {len(unfinished)} unfinished shipment confirmation(s)…", file=sys.stderr)
    finished = await service.ship_desk.finish(unfinished)
    for row in finished:
        why = f"\t{safe_text(row.cause)}" if row.state.value == "failed" and row.cause else ""
        print(f"{row.order_id}\tshipment {row.state.value}\tpackage {row.package_id}{why}", file=sys.stderr)
    failed = any(row.state.value != "confirmed" for row in finished)
    return Resumed([_row_json(row) for row in finished], failed)
