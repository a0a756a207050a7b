"""The Magento order view (ASC's documented path) with Payment & Shipping Information."""

from __future__ import annotations

from decimal import Decimal

from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static

from amazon_tui.domain.models import MagentoAddress, MagentoOrder
from amazon_tui.domain.text import safe_text
from amazon_tui.local.journal import JournalEntry
from amazon_tui.tui.format import amount, inert_lines, literal
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.requests import OpenAllOrders, OpenDetails
from amazon_tui.tui.screens.base import BaseScreen
from amazon_tui.tui.widgets.fields import FieldSection
from amazon_tui.tui.widgets.scroll import KeyScroll


def address_text(address: MagentoAddress | None) -> Text:
    if address is None:
        return Text("—", style="dim")
    lines = [
        address.name,
        *address.street,
        ", ".join(filter(None, [address.city, address.region, address.postcode])),
        address.country_id,
    ]
    if address.telephone:
        lines.append(f"T: {address.telephone}")
    return Text("\n".join(safe_text(line) for line in lines if line))


def store_lines(store_name: str | None) -> Text:
    """Magento's "Purchased From": website, store and view, one to a line, each line inert."""
    return Text(inert_lines(store_name)) if store_name else literal(None)


def money(value: Decimal | None, currency: str | None) -> Text:
    if value is None:
        return Text("—", style="dim")
    return Text(amount(value, safe_text(currency) if currency else None))


def items_table(order: MagentoOrder) -> Table:
    table = Table(expand=True, box=None, header_style="bold", pad_edge=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Product", "left"),
        ("SKU", "left"),
        ("Price", "right"),
        ("Qty", "left"),
        ("Tax", "right"),
        ("Row Total", "right"),
    )
    for label, justify in columns:
        table.add_column(label, justify=justify, overflow="fold")
    for item in order.items:
        qty = f"Ordered {item.qty_ordered:g}"
        if item.qty_shipped:
            qty += f", Shipped {item.qty_shipped:g}"
        if item.qty_refunded:
            qty += f", Refunded {item.qty_refunded:g}"
        table.add_row(
            literal(item.name),
            literal(item.sku),
            money(item.price, None),
            qty,
            money(item.tax_amount, None),
            money(item.row_total, None),
        )
    return table


class MagentoOrderScreen(BaseScreen):
    """Order & Account Information, Address, Payment & Shipping, Items, Totals, Comments."""

    HELP = (
        "The Magento order that Amazon Sales Channel created. "
        "{open-amazon}: View or Cancel Amazon Order, {all-orders}: View All Amazon Orders. "
        "It is read again once a cancellation of ours changed it ({refresh} reads it now)."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("o", "view_amazon", "Details", tooltip="View or Cancel Amazon Order", id="open-amazon"),
        Binding("a", "all_orders", "All Orders", tooltip="View All Amazon Orders", id="all-orders"),
        Binding("y", "copy_order", "Copy number", show=False, id="copy-order"),
        Binding("r", "reload", "Reload", show=False, id="refresh"),
    ]

    def __init__(self, order_id: str, store: str) -> None:
        super().__init__()
        self.order_id = order_id
        self.store = store
        self.magento: MagentoOrder | None = None
        # The order's cancellation as it stood when Magento was last read: a step of it (the
        # refund, the comment) changes Magento, so a change of it reads Magento again.
        self._cancellation: JournalEntry | None = None

    def trail(self) -> list[str]:
        increment = self.magento.increment_id if self.magento else "…"
        return ["Amazon Stores", self.store, f"Magento order #{increment}"]

    def compose_body(self) -> ComposeResult:
        with KeyScroll(id="magento"):
            yield Static(Text("Loading the Magento order…", style="dim"), id="magento-status")
            yield FieldSection("Order & Account Information", id="account")
            yield FieldSection("Address Information", id="addresses")
            yield Static(
                Text("Payment & Shipping Information", style="bold underline"), classes="section-title"
            )
            yield Static(id="payment", classes="section")
            with Horizontal(id="payment-actions"):
                yield Button("View or Cancel Amazon Order", id="view-amazon", variant="primary", compact=True)
                yield Button("View All Amazon Orders", id="view-all", compact=True)
            yield Static(id="currency-note", classes="section")
            yield Static(id="shipping", classes="section")
            yield Static(id="items", classes="section")
            yield FieldSection("Order Totals", id="totals")
            yield FieldSection("Notes for this Order", id="comments")

    def on_mount(self) -> None:
        self.query_one("#view-amazon", Button).focus()
        self.load()

    def action_reload(self) -> None:
        self.query_one("#magento-status", Static).update(Text("Loading the Magento order…", style="dim"))
        self.load()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        """A cancellation of this order moved on (ours or another process's): its refund and
        comment are Magento's now, so Magento is read again, without `r`."""
        super().on_orders_changed(message)
        if message.order_ids and self.order_id not in message.order_ids:
            return
        if self.service.cancellation(self.order_id) != self._cancellation:
            self.load()

    @work(exclusive=True, group="magento")
    async def load(self) -> None:
        self._cancellation = self.service.cancellation(self.order_id)
        try:
            order = await self.service.magento_order(self.order_id)
        except Exception as exc:  # noqa: BLE001 - the cause is shown; the Amazon details stay one key away
            self._unavailable(f"Magento could not be reached: {exc}")
            self.show_failure("Magento order view", exc, "reload")
            return
        self.clear_failure()
        if order is None:
            self._unavailable("No Magento order exists for this Amazon order yet.")
            return
        self.magento = order
        self.show(order)

    def _unavailable(self, why: str) -> None:
        status = Text(safe_text(why), style="#ff8c3a")
        key = self.key_for("view_amazon") or "o"  # as bound now ([keymap])
        status.append(f"\nPress {key} to open Amazon Order Details.", style="bold")
        self.query_one("#magento-status", Static).update(status)

    def show(self, order: MagentoOrder) -> None:
        self.update_trail()
        self.query_one("#magento-status", Static).display = False
        self.query_one("#account", FieldSection).show(
            [
                ("Order #", literal(order.increment_id)),
                ("Order Date", literal(order.created_at)),
                ("Order Status", literal(order.status)),
                ("Purchased From", store_lines(order.store_name)),
                ("Customer Name", literal(order.customer_name)),
                ("Email", literal(order.customer_email)),
            ]
        )
        self.query_one("#addresses", FieldSection).show(
            [
                ("Billing Address", address_text(order.billing_address)),
                ("Shipping Address", address_text(order.shipping_address)),
            ]
        )
        payment = Text.assemble(
            ("Payment Information  ", "dim"), safe_text(order.payment_title or "Amazon Channel Payment"), "\n"
        )
        payment.append("Amazon Order Number: ", style="bold")
        payment.append(safe_text(order.amazon_order_id or self.order_id))
        self.query_one("#payment", Static).update(payment)
        self.query_one("#currency-note", Static).update(
            Text(f"The order was placed using {safe_text(order.currency or '—')}.")
        )
        shipping = Text.assemble(
            ("Shipping & Handling Information  ", "dim"), safe_text(order.shipping_description or "—")
        )
        self.query_one("#shipping", Static).update(shipping)
        items = Table.grid()
        items.add_row(Text("Items Ordered", style="bold underline"))
        items.add_row(items_table(order))
        self.query_one("#items", Static).update(items)
        self.query_one("#totals", FieldSection).show(
            [
                ("Subtotal", money(order.subtotal, order.currency)),
                ("Shipping & Handling", money(order.shipping_amount, order.currency)),
                ("Tax", money(order.tax_amount, order.currency)),
                ("Grand Total", money(order.grand_total, order.currency)),
                ("Total Refunded", money(order.total_refunded, order.currency)),
            ]
        )
        comments = [(safe_text(c.created_at or ""), literal(c.comment)) for c in order.comments] or [
            ("", Text("No comments.", style="dim"))
        ]
        self.query_one("#comments", FieldSection).show(comments)

    def action_view_amazon(self) -> None:
        self.request(OpenDetails(self.order_id))

    def action_all_orders(self) -> None:
        self.request(OpenAllOrders(self.store))

    def action_copy_order(self) -> None:
        self.app.copy_to_clipboard(self.order_id)
        self.notify(f"Copied {self.order_id}", timeout=2, markup=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "view-amazon":
            self.action_view_amazon()
        elif event.button.id == "view-all":
            self.action_all_orders()
