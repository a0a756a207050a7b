"""Registers the scripting commands on the main parser."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from typing import Any

from amazon_tui.cli import arguments
from amazon_tui.cli.commands.audit import ATTENTION_HELP, attention_command, audit_command
from amazon_tui.cli.commands.cancel import order_cancel_command, resume_command
from amazon_tui.cli.commands.common import run
from amazon_tui.cli.commands.notifications import notifications_command
from amazon_tui.cli.commands.orders import order_show_command, orders_command, stores_command
from amazon_tui.cli.commands.ship import order_ship_command, shipments_command
from amazon_tui.cli.commands.sync import sync_command, watch_command
from amazon_tui.cli.options import CONFIG, JSON, SANDBOX
from amazon_tui.domain.values import CancelReason

USES = frozenset({CONFIG, SANDBOX, JSON})


class CommandTree:
    """Adds scripting commands, each running its handler through ``run`` with the service."""

    def __init__(self, commands: argparse._SubParsersAction, epilog: str) -> None:
        self.commands = commands
        self.epilog = epilog

    def add(
        self,
        name: str,
        help_text: str,
        handler: Callable[..., Any],
        *,
        store: bool = True,
        parent: argparse._SubParsersAction | None = None,
        group: str = "order",
    ) -> argparse.ArgumentParser:
        parent = parent or self.commands
        parser = parent.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=self.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if store:
            parser.add_argument("--store", type=arguments.free_text, metavar="NAME", help="only this store")
        kind = name if parent is self.commands else f"{group} {name}"
        parser.set_defaults(handler=lambda args: run(args, handler, kind=kind), uses=USES)
        return parser


def add_commands(commands: argparse._SubParsersAction, epilog: str) -> None:
    """Register the scripting commands on the main parser's sub-parsers (the global options
    ``--config``, ``--sandbox``, ``--read-only``, ``--json`` are added to every level by cli)."""
    tree = CommandTree(commands, epilog)
    tree.add("stores", "the store cards as a table", stores_command, store=False)
    _add_orders(tree)
    _add_order(tree)
    tree.add("sync", "sync orders from Amazon (and the Magento link index) once", sync_command)
    tree.add(
        "watch",
        "keep the local store synced and finish every cancellation, "
        "as the data dir's leader (or its stand-by), until interrupted",
        watch_command,
        store=False,
    )
    tree.add(
        "resume",
        "finish cancellations and shipment confirmations a crash or a closed session left "
        "unfinished (exit 1 if some stay unfinished or fail)",
        resume_command,
        store=False,
    )
    shipments = tree.add(
        "shipments",
        "shipments Amazon has not confirmed yet (Magento's and those confirmed by hand); exit 4 when any",
        shipments_command,
        store=False,
    )
    shipments.add_argument("--all", action="store_true", help="confirmed ones too (the last 500)")
    tree.add(
        "audit", "the audit trail of cancellations and shipment confirmations", audit_command, store=False
    )
    _add_notifications(tree)
    attention = tree.add(
        "attention",
        "orders that need action now, across the active stores (exit 4 when any)",
        attention_command,
        store=False,
    )
    attention.description = ATTENTION_HELP
    attention.add_argument(
        "--sync", action="store_true", help="sync the active stores first (exit 1 if a sync fails)"
    )


def _add_orders(tree: CommandTree) -> None:
    orders = tree.add("orders", "orders from the local store, filtered and sorted", orders_command)
    orders.add_argument(
        "--status",
        action="append",
        type=arguments.status,
        metavar="S",
        help=f"a status, as the API writes it or as ASC labels it, any case: {arguments.status_choices()}; "
        "repeat for several",
    )
    orders.add_argument(
        "--since",
        type=arguments.date_from,
        metavar="DATE",
        help="purchased on or after (YYYY-MM-DD or ISO 8601)",
    )
    orders.add_argument("--until", type=arguments.date_to, metavar="DATE", help="purchased on or before")
    orders.add_argument(
        "--buyer",
        type=arguments.free_text,
        metavar="TEXT",
        help=f"buyer's name contains (at most {arguments.TEXT_MAX} characters)",
    )
    money = f"from 0 to {arguments.AMOUNT_MAX:,}"
    orders.add_argument("--min-total", type=arguments.amount, metavar="N", help=f"total at least ({money})")
    orders.add_argument("--max-total", type=arguments.amount, metavar="N", help=f"total at most ({money})")
    orders.add_argument(
        "--sort",
        type=arguments.sort,
        default="purchase_date",
        metavar="FIELD[:asc|desc]",
        help=(
            "purchase_date (default, newest first), order_number, status, buyer_name, total or notes; "
            "e.g. total:desc"
        ),
    )
    orders.add_argument(
        "--limit",
        type=arguments.whole_number(1, arguments.LIMIT_MAX),
        default=50,
        metavar="N",
        help=f"at most N orders, 1 to {arguments.LIMIT_MAX:,} (default 50)",
    )


def _add_order(tree: CommandTree) -> None:
    order = tree.commands.add_parser("order", help="one order: show, cancel or confirm its shipment")
    order_commands = order.add_subparsers(title="order commands", metavar="COMMAND", required=True)
    show = tree.add(
        "show",
        "everything of the Amazon Order Details tabs",
        order_show_command,
        store=False,
        parent=order_commands,
    )
    show.add_argument("order", type=arguments.order_number, metavar="ORDER", help="Amazon order number")
    show.add_argument(
        "--refresh", action="store_true", help="fetch the order from Amazon first (one getOrder)"
    )
    cancel = tree.add(
        "cancel",
        "cancel Unshipped merchant-fulfilled orders (one feed for all)",
        order_cancel_command,
        store=False,
        parent=order_commands,
    )
    cancel.add_argument(
        "orders", nargs="+", type=arguments.order_number, metavar="ORDER", help="Amazon order numbers"
    )
    cancel.add_argument(
        "--reason",
        type=arguments.cancel_reason,
        required=True,
        help="one of: " + ", ".join(r.value for r in CancelReason),
    )
    cancel.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    cancel.add_argument("--wait", action="store_true", help="wait for Amazon's processing report")
    _add_ship(tree, order_commands)


def _add_notifications(tree: CommandTree) -> None:
    notifications = tree.commands.add_parser(
        "notifications", help="SP-API notifications to the [notifications] SQS queue: setup, status, teardown"
    )
    notification_commands = notifications.add_subparsers(
        title="notifications commands", metavar="COMMAND", required=True
    )
    for action, help_text in (
        (
            "setup",
            "create the destination and subscribe every seller to ORDER_CHANGE and "
            "FEED_PROCESSING_FINISHED (idempotent)",
        ),
        (
            "status",
            "what exists at Amazon, the queue's depth and dead-letter policy, the leader's status line",
        ),
        (
            "teardown",
            "remove the subscriptions and the destination that setup made (polling alone from then on)",
        ),
    ):
        tree.add(
            action,
            help_text,
            partial(notifications_command, action=action),
            store=False,
            parent=notification_commands,
            group="notifications",
        )


def _add_ship(tree: CommandTree, order_commands: argparse._SubParsersAction) -> None:
    from amazon_tui.domain.shipping import AMAZON_CARRIERS

    ship = tree.add(
        "ship",
        "confirm a shipment of an Unshipped or Partially Shipped merchant-fulfilled order to Amazon "
        "(confirmShipment; one package, confirmed once)",
        order_ship_command,
        store=False,
        parent=order_commands,
    )
    ship.add_argument("order", type=arguments.order_number, metavar="ORDER", help="Amazon order number")
    ship.add_argument(
        "--carrier",
        type=arguments.carrier_text,
        required=True,
        metavar="CODE",
        help="Amazon's carrier code (" + ", ".join(AMAZON_CARRIERS[:8]) + "…) or Magento's (ups, usps, "
        "fedex, dhl); any other is sent as Other with this name",
    )
    ship.add_argument(
        "--tracking", type=arguments.tracking_number, required=True, metavar="NUMBER", help="tracking number"
    )
    ship.add_argument(
        "--method", type=arguments.carrier_text, metavar="M", help="shipping method, e.g. Ground"
    )
    ship.add_argument(
        "--date",
        type=arguments.ship_date,
        metavar="D",
        help="when the carrier took the package (YYYY-MM-DD or ISO 8601; default now)",
    )
    ship.add_argument(
        "--items",
        nargs="+",
        type=arguments.sku_quantity,
        metavar="SKU=QTY",
        help="what the package holds (default: every unshipped item); a partial shipment names its items",
    )
    ship.add_argument("--yes", action="store_true", help="do not ask for confirmation")
