"""What every scripting command shares: the runner, loading an order, JSON shapes."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from amazon_tui.cli.errors import UsageError, require_stores
from amazon_tui.cli.output import SANDBOX_BANNER
from amazon_tui.domain.models import Order, OrderSummary
from amazon_tui.domain.values import format_timestamp


def run(args: argparse.Namespace, body: Callable[..., Awaitable[int]], *, kind: str = "command") -> int:
    """Open the service, run ``body(service, args)``; failures propagate to the CLI's guard.

    ``kind`` names the process among the data dir's peers ("amazon-tui sync"); when the work
    waits for the data dir's leader, a line on stderr says whose.

    On the sandbox, a first line on stderr says so (tables say it on their own first line,
    JSON documents with ``"sandbox": true``).
    """
    from amazon_tui.config.settings import load_settings, print_warnings
    from amazon_tui.core.service import AppService

    settings = load_settings(config=args.config, sandbox=args.sandbox, read_only=args.read_only)
    print_warnings(settings)
    require_stores(settings)
    if settings.sandbox:
        print(f"amazon-tui: {SANDBOX_BANNER}", file=sys.stderr)

    async def main() -> int:
        service = AppService.open(settings)
        service.leader.kind = f"amazon-tui {kind}"
        service.leader.on_wait = lambda text: print(f"amazon-tui: {text}", file=sys.stderr, flush=True)
        try:
            return await body(service, args)
        finally:
            await service.aclose()

    try:
        return asyncio.run(main())
    except Exception as exc:
        exc.sandbox = settings.sandbox  # type: ignore[attr-defined]  # the guard puts it in a --json error document
        raise


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
                # the TUI's Row Price: the items' price alone; tax, shipping and discount apart,
                # so a script that adds row_price and row_tax counts the tax once
                "row_price": _money(item.row_price),
                "row_tax": _money(item.row_tax),
                "row_total": _money(item.row_total),  # Amazon's proceedsTotal: all of them together
                "shipping_price": _money(item.shipping_price),
                "promotion_discount": _money(item.promotion_discount),
                "buyer_cancellation_request": item.cancellation_request.reason
                if item.cancellation_request
                else None,
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
                "items": [
                    {"order_item_id": line.order_item_id, "quantity": line.quantity} for line in package.lines
                ],
            }
            for package in order.packages
        ],
    }


def money_text(value) -> str | None:
    """An amount for a table; None (shown "—", or an empty field when piped) when there is none."""
    return value.format() if value is not None else None


async def load_order(service, order_id: str, *, refresh: bool) -> Order:
    from amazon_tui.clients.errors import BadRequestError, NotFoundError

    cached = service.cached_order(order_id)
    if cached is not None and not refresh:
        return cached
    try:
        return await service.refresh_order(order_id, force=refresh)
    except (NotFoundError, LookupError) as exc:
        raise UsageError(
            f"unknown order number {order_id!r} (not in the local store, and Amazon does not know it)",
            code="not_found",
            cause=exc,
        ) from None
    except BadRequestError as exc:
        raise UsageError(f"bad order number {order_id!r}: {exc}", cause=exc) from None
