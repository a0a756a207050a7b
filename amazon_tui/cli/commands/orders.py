"""``stores``, ``orders`` and ``order show``: the local store as tables or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from amazon_tui.cli.commands.common import load_order, money_text, order_json, summary_json
from amazon_tui.cli.errors import EXIT_OK
from amazon_tui.cli.output import SANDBOX_BANNER, print_document, print_table, safe_text, table, utc_minute
from amazon_tui.domain.models import Order, OrderQuery
from amazon_tui.domain.values import format_money, format_timestamp


async def stores_command(service, args: argparse.Namespace) -> int:
    cards = service.store_cards()
    if args.json:
        print_document(
            service,
            stores=[
                {
                    "name": card.name,
                    "marketplace": card.marketplace.code,
                    "website": card.config.magento_website,
                    "status": card.status.value,
                    "created": format_timestamp(card.created) if card.created else None,
                    "gmv_30_days": str(card.stats.gmv),
                    "gmv_change_percent": None
                    if card.stats.gmv_change is None
                    else round(card.stats.gmv_change, 1),
                    "currency": card.stats.currency,
                    "gmv_30_days_other_currencies": [
                        {"currency": t.currency, "amount": str(t.amount), "orders": t.orders}
                        for t in card.stats.elsewhere
                    ],
                    "orders_not_summed_30_days": card.stats.unsummed,
                    "awaiting_shipment": card.stats.awaiting_shipment,
                    # the card's attention line: late, due within ui.due_soon_hours, buyers' requests
                    "late_shipments": card.attention.late,
                    "due_soon": card.attention.due_soon,
                    "cancellation_requests": card.attention.buyer_cancel,
                    "last_sync": format_timestamp(card.last_sync) if card.last_sync else None,
                    "error": card.error,
                }
                for card in cards
            ],
        )
        return EXIT_OK
    rows = [
        (
            card.name,
            card.marketplace.code,
            card.status.value,
            format_money(card.stats.gmv, card.stats.currency),
            card.stats.awaiting_shipment,
            card.attention.late,
            card.attention.due_soon,
            card.attention.buyer_cancel,
            utc_minute(card.last_sync).removesuffix(" UTC") if card.last_sync else "never",
        )
        for card in cards
    ]
    print_table(
        service,
        table(
            # short headers: 80 columns hold a store's name whole; the card's late / due soon /
            # buyers' cancellation requests are Late, Due and Req
            ["Store", "Mkt", "Status", "GMV 30 days", "Await", "Late", "Due", "Req", "Last sync (UTC)"],
            rows,
            flexible=[0],
        ),
    )
    return EXIT_OK


def build_query(service, args: argparse.Namespace) -> OrderQuery:
    """The query of ``orders``: every value was checked and bounded by the parser."""
    stores: tuple[str, ...] = ()
    if args.store:
        stores = (service.settings.config.store(args.store).name,)
    return OrderQuery(
        stores=stores,
        statuses=tuple(dict.fromkeys(args.status or ())),
        purchased_from=args.since,
        purchased_to=args.until,
        buyer_name=args.buyer,
        total_min=args.min_total,
        total_max=args.max_total,
        sort=args.sort.field,
        descending=args.sort.descending,
    )


async def orders_command(service, args: argparse.Namespace) -> int:
    query = build_query(service, args)
    rows = service.orders(query, limit=args.limit)
    total = service.count(query)
    if args.json:
        print_document(service, orders=[summary_json(row) for row in rows], total=total)
        return EXIT_OK
    print_table(
        service,
        table(
            ["Store", "Purchase Date", "Order Number", "Status", "Buyer's Name", "Total", "Order Notes"],
            [
                (
                    row.store,
                    row.purchase_date.strftime("%Y-%m-%d %H:%M"),
                    row.order_id,
                    row.status_label,
                    row.buyer_name,
                    money_text(row.total),
                    row.notes or "",
                )
                for row in rows
            ],
            flexible=[0, 3, 4, 6],
            floors={3: len("Unshipped")},  # the status an operator acts on stays whole
        ),
    )
    if total > len(rows):
        print(f"({len(rows)} of {total} orders; use --limit to see more)", file=sys.stderr)
    return EXIT_OK


ORDER_FIELDS = (
    "order_number",
    "store",
    "status_label",
    "notes",
    "buyer_email",
    "buyer_name",
    "currency",
    "total",
    "prime",
    "premium",
    "purchase_date",
    "latest_ship_date",
    "shipping_service_level",
    "fulfilled_by",
    "business",
    "items_shipped",
    "items_unshipped",
    "magento_order_number",
)


async def order_show_command(service, args: argparse.Namespace) -> int:
    order = await load_order(service, args.order, refresh=args.refresh)
    data = order_json(order, service.order_summary(order.order_id))
    if args.json:
        print_document(service, order=data)
        return EXIT_OK
    if service.settings.sandbox:
        print(SANDBOX_BANNER)
    _print_fields(order, data)
    print()
    print(_items_table(order))  # --json has every SKU whole
    if order.packages:
        print()
        print(_packages_table(order))
    return EXIT_OK


def _print_fields(order: Order, data: dict[str, Any]) -> None:
    """The Order and Shipping Details tab as label/value lines."""
    fields = [(key.replace("_", " ").capitalize(), data[key]) for key in ORDER_FIELDS if key in data]
    width = max(len(name) for name, _ in fields)
    for name, value in fields:
        if value is None:
            value = "not provided by Amazon" if name in ("Buyer name", "Buyer email") else "—"
        print(f"{name:<{width}}  {safe_text(value)}")
    address = order.address
    if address:
        lines = (address.name, address.line1, address.line2, address.line3, address.city, address.region)
        parts = (*lines, address.postal_code, address.country_code)
        shown = safe_text(", ".join(filter(None, parts)))
    else:
        shown = "not provided by Amazon"
    print(f"{'Shipping address':<{width}}  {shown}")


def _items_table(order: Order) -> str:
    return table(
        ["Qty Shipped", "Qty Ordered", "Title", "ASIN", "Seller SKU", "Row Price"],
        [
            (
                item.quantity_shipped,
                item.quantity_ordered,
                item.title or "",
                item.asin or "",
                item.seller_sku or "",
                money_text(item.row_price),
            )
            for item in order.items
        ],
        flexible=[2, 4],
        floors={4: 12},
    )


def _packages_table(order: Order) -> str:
    return table(
        ["Carrier", "Shipping Method", "Tracking Number", "Ship Date", "Status"],
        [
            (
                p.carrier or "",
                p.shipping_service or "",
                p.tracking_number or "",
                p.ship_time.strftime("%Y-%m-%d") if p.ship_time else "",
                p.status or "",
            )
            for p in order.packages
        ],
        flexible=[1],
    )
