"""Amazon Order Details: header bar (Back, Cancel Order, Refresh) and the three ASC tabs."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static, TabbedContent, TabPane

from amazon_tui.domain.attention import time_left
from amazon_tui.domain.models import Order, OrderSummary
from amazon_tui.domain.text import safe_text
from amazon_tui.domain.values import FulfilledBy, OrderStatus
from amazon_tui.local.journal import CancelState, JournalEntry
from amazon_tui.tui.format import (
    code_label,
    date,
    freshness,
    inert_lines,
    literal,
    money,
    plural,
    provided,
    status_text,
    summary_status,
    yes_no,
)
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.refusals import explain_refusal
from amazon_tui.tui.requests import CancelOrders, RetryCancellations
from amazon_tui.tui.screens.base import BaseScreen
from amazon_tui.tui.screens.order_shipments import ShipmentActions, pending_rows
from amazon_tui.tui.widgets.details_header import DetailsHeader
from amazon_tui.tui.widgets.fields import FieldSection
from amazon_tui.tui.widgets.records import Column, Records
from amazon_tui.tui.widgets.scroll import KeyScroll

# ASC's columns, but the Magento Order Number: the same for every row, it heads the tab instead.
ITEM_COLUMNS = (
    Column("Title", heading=True),
    Column("Qty Ordered", right=True),
    Column("Qty Shipped", right=True),
    Column("ASIN"),
    Column("Amazon Seller SKU"),
    Column("Condition"),
    Column("Subcondition"),
    Column("Row Price", right=True),
    Column("Row Tax", right=True),
    Column("Shipping Price", right=True),
    Column("Promotional Discount", right=True),
    Column("Order Item Id"),
)
TRACKING_COLUMNS = (
    Column("Title", heading=True),
    Column("Quantity", right=True),
    Column("Carrier Code"),
    Column("Carrier Name"),
    Column("Shipping Method"),
    Column("Tracking Number"),
    Column("Ship Date"),
    Column("Status"),
)
TABS = ("tab-details", "tab-items", "tab-tracking")
BUYER_STYLE, LATE_STYLE, DUE_STYLE = "bold #c678dd", "bold #ff8c3a", "bold #e5c07b"
SIDE_BY_SIDE = 140  # the two sections of the first tab side by side from this width (an email fits)


def order_status(order: Order, summary: OrderSummary | None) -> Text:
    """The status as the lists show it ("Canceling…" while a cancellation is in flight)."""
    return summary_status(summary) if summary else status_text(order.status.label, order.status.tone)


CANCELLATION_WORDS = {
    CancelState.REQUESTED: "requested: the leader sends it",
    CancelState.VERIFIED: "checked with Amazon: the leader sends it",
    CancelState.SENDING: "sent, Amazon's answer was lost: confirming from Amazon's feeds and the order",
    CancelState.SUBMITTED: "submitted: awaiting Amazon's report",
    CancelState.CONFIRMING: "awaiting Amazon: Canceled only once Amazon's order says so",
}


def cancellation_flag(entry: JournalEntry | None) -> Text | None:
    """Where the order's cancellation stands when it needs saying: under way, or canceled with
    its Magento step failing (retried); None otherwise."""
    if entry is None:
        return None
    if entry.state in CANCELLATION_WORDS:
        line = Text("● Cancellation ", style=DUE_STYLE)
        line.append(CANCELLATION_WORDS[entry.state])
        if entry.state is CancelState.CONFIRMING and entry.report:
            line.append(f" (its report: {safe_text(entry.report)})", style="dim")
        return line
    if entry.state is CancelState.CANCELED and entry.magento_error:
        line = Text("● Canceled on Amazon; ", style=LATE_STYLE)
        line.append(f"{safe_text(entry.magento_error)} (retried)")
        return line
    return None


def order_flags(
    order: Order, now: datetime, due_soon_hours: int, cancellation: JournalEntry | None = None
) -> Text | None:
    """What needs the operator: the buyer's cancellation request, a late or soon-due shipment,
    who canceled items (Amazon's cancellationExecution), and a cancellation of ours under way or
    whose Magento step fails; None when nothing does."""
    lines: list[Text] = []
    if (flag := cancellation_flag(cancellation)) is not None:
        lines.append(flag)
    reason = order.buyer_cancellation_reason
    if reason is not None and order.status not in (OrderStatus.CANCELLED, OrderStatus.SHIPPED):
        line = Text("● Buyer asked to cancel", style=BUYER_STYLE)
        line.append(
            f" (order updated {date(order.last_updated)}): ", style="dim"
        )  # Amazon gives no request time
        line.append(
            f"\u201c{safe_text(reason)}\u201d" if reason else "no reason given",
            style="" if reason else "dim italic",
        )
        lines.append(line)
    if order.ship_by is not None and order.status in (OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED):
        left = time_left(order.ship_by, now)
        if order.ship_by < now:
            lines.append(Text.assemble(("● Late: ", LATE_STYLE), f"ship by {date(order.ship_by)} · {left}"))
        elif order.ship_by - now <= timedelta(hours=due_soon_hours):
            lines.append(
                Text.assemble(("● Due soon: ", DUE_STYLE), f"ship by {date(order.ship_by)} · {left}")
            )
    executed = {(item.canceled_by, item.cancel_reason) for item in order.items if item.canceled_by}
    for by, why in sorted(executed, key=str):
        line = Text(f"Canceled by {code_label(by).plain}", style="bold")
        if why:
            line.append(f": {safe_text(why)}", style="")
        lines.append(line)
    return Text("\n").join(lines) if lines else None


def order_fields(
    order: Order, summary: OrderSummary | None, magento: str | None
) -> list[tuple[str, Text | str]]:
    number = Text(safe_text(order.order_id), style="bold")
    if magento:
        number.append(f"  (Magento order #{safe_text(magento)})", style="dim")
    return [
        ("Order number", number),
        ("Status", order_status(order, summary)),
        ("Notes", literal(summary.notes if summary else order.notes)),
        ("Buyer email", provided(order.buyer_email)),
        ("Buyer name", provided(order.buyer_name)),
        ("Currency", literal(order.currency)),
        ("Order total", money(order.total)),
        (
            "Inventory reserved",
            yes_no(order.status in (OrderStatus.PENDING, OrderStatus.PENDING_AVAILABILITY)),
        ),
        ("Premium", yes_no(order.is_premium)),
        ("Prime", yes_no(order.is_prime)),
        ("Purchase date", date(order.created)),
        ("Latest ship date", date(order.ship_by)),
    ]


def shipping_fields(order: Order) -> list[tuple[str, Text | str]]:
    address = order.address
    get = (lambda name: getattr(address, name)) if address is not None else (lambda name: None)
    service = next((p.shipping_service for p in order.packages if p.shipping_service), None)
    return [
        ("Shipping service", literal(service)),
        ("Shipping service level", literal(order.service_level)),
        (
            "Shipped by Amazon",
            yes_no(order.fulfilled_by is FulfilledBy.AMAZON if order.fulfilled_by else None),
        ),
        ("Business", yes_no(order.is_business)),
        ("Items shipped", str(order.items_shipped)),
        ("Items unshipped", str(order.items_unshipped)),
        ("Fulfillment channel", order.fulfilled_by.channel_label if order.fulfilled_by else "—"),
        ("Shipping phone number", provided(get("phone"))),
        ("Shipping address 1", provided(get("line1"))),
        ("Shipping address 2", literal(get("line2")) if address else provided(None)),
        ("Shipping address 3", literal(get("line3")) if address else provided(None)),
        ("Shipping city", provided(get("city"))),
        ("Shipping region", provided(get("region"))),
        ("Shipping postal code", provided(get("postal_code"))),
        ("Shipping country", provided(get("country_code"))),
    ]


class OrderDetailsScreen(ShipmentActions, BaseScreen):
    """One Amazon order; cached at once, refreshed by one getOrder in the background."""

    HELP = (
        "Amazon Order Details. {tab-1}/{tab-2}/{tab-3} or {tab-previous}/{tab-next} switch tabs; "
        "{down}/{up}, {first}/{last}, {page-down}/{page-up} scroll; "
        "{cancel-order} cancels an Unshipped merchant-fulfilled order "
        "(other orders say where to cancel them instead); {refresh} fetches the order from Amazon again; "
        "{magento-order} goes to the Magento order view. "
        "{confirm-shipment} confirms a shipment of an Unshipped or Partially Shipped merchant-fulfilled "
        "order to Amazon (carrier, tracking number, ship date); the Tracking tab shows what Amazon has "
        "and what is pending. "
        "The line under the buttons says when the buyer asked to cancel "
        "and when the shipment is late or due soon."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("c", "cancel_order", "Cancel Order", id="cancel-order"),
        # the same id: a [keymap] remap of cancel-order moves both; this one answers when Cancel Order
        # is not offered
        Binding("c", "why_not_cancel", "Why no Cancel Order", show=False, id="cancel-order"),
        Binding("r", "refresh_order", "Refresh", id="refresh"),
        Binding(
            "s",
            "confirm_shipment",
            "Ship",
            show=False,  # the Confirm Shipment button says it (the footer keeps ? and ^p at 72 columns)
            tooltip="Confirm Shipment: tell Amazon the carrier and tracking number",
            id="confirm-shipment",
        ),
        # the same id: where no shipment can be confirmed, `s` says why (in the notice, once)
        Binding("s", "why_not_ship", "Why no Confirm Shipment", show=False, id="confirm-shipment"),
        Binding(
            "m",
            "magento_order",
            "Magento",
            tooltip="the Magento order view of this order",
            id="magento-order",
        ),
        Binding("1", "tab(0)", "Details", show=False, id="tab-1"),
        Binding("2", "tab(1)", "Items", show=False, id="tab-2"),
        Binding("3", "tab(2)", "Tracking", show=False, id="tab-3"),
        Binding("h,left", "tab_step(-1)", "Previous tab", show=False, priority=True, id="tab-previous"),
        Binding("l,right", "tab_step(1)", "Next tab", show=False, priority=True, id="tab-next"),
        Binding("y", "copy_order", "Copy number", show=False, id="copy-order"),
    ]

    def __init__(self, order_id: str, store: str) -> None:
        super().__init__()
        self.order_id = order_id
        self.store = store
        self.order: Order | None = None
        self.cancelable = False  # whether Cancel Order is offered (footer, button, key)
        self.shippable = False  # whether Confirm Shipment is offered
        self.magento: str | None = None  # the Magento order's number, when Magento has the order
        self._freshness = ""

    def trail(self) -> list[str]:
        return ["Amazon Stores", self.store, self.order_id]

    def compose_body(self) -> ComposeResult:
        yield DetailsHeader(self.order_id, self.store, id="details-header")
        with Horizontal(id="detail-bar"):
            yield Button("Back", id="back", compact=True)
            yield Button("Cancel Order", id="cancel", variant="error", compact=True)
            yield Button("Confirm Shipment (s)", id="ship", compact=True)
            yield Button("Refresh", id="refresh", compact=True)
            yield Static(id="freshness")
        yield Static(id="flags")
        with TabbedContent(id="tabs"):
            with TabPane("Order and Shipping Details", id=TABS[0]), KeyScroll(id="details-scroll"):
                yield Static(id="notice")  # "No cancellation here": on the tab it is about only
                with Horizontal(id="detail-sections"):
                    yield FieldSection("Order details", id="order-section")
                    yield FieldSection("Shipping details", id="shipping-section")
            with TabPane("Order Items", id=TABS[1]), KeyScroll(id="items-scroll"):
                yield Static(id="items-head", classes="records-head")
                yield Records(ITEM_COLUMNS, noun="Item", id="items")
            with TabPane("Tracking", id=TABS[2]), KeyScroll(id="tracking-scroll"):
                yield Static(id="tracking-head", classes="records-head")
                yield Records(TRACKING_COLUMNS, noun="Package line", id="tracking")

    def _set_size_classes(self, width: int, height: int, *, update: bool = True) -> bool:
        self.set_class(width < SIDE_BY_SIDE, "-single", update=update)
        return super()._set_size_classes(width, height, update=update)

    def on_mount(self) -> None:
        self.query_one("#notice", Static).display = False
        self.query_one("#flags", Static).display = False
        self.show_cached()
        self.refresh_from_amazon(force=False)
        self.set_interval(5, self._show_freshness)

    def on_screen_resume(self) -> None:
        self.query_one("#details-scroll").focus()

    # -- data --------------------------------------------------------------------------------

    def show_cached(self) -> None:
        order = self.service.cached_order(self.order_id)
        if order is None:
            self.query_one("#freshness", Static).update(Text("Loading the order from Amazon…", style="dim"))
            self.query_one("#cancel", Button).display = False
            self.query_one("#ship", Button).display = False
            return
        self.show(order)

    def show(self, order: Order) -> None:
        self.order = order
        summary = self.service.order_summary(self.order_id)
        link = self.service.magento_link(self.order_id) if self.service.magento_configured else None
        magento = self.magento = link.increment_id if link else None
        self.query_one(DetailsHeader).show(order_status(order, summary))
        flags = order_flags(
            order,
            self.service.clock(),
            self.service.settings.config.ui.due_soon_hours,
            self.service.cancellation(self.order_id),
        )
        self.query_one("#flags", Static).update(flags or "")
        self.query_one("#flags", Static).display = flags is not None
        self.query_one("#order-section", FieldSection).show(order_fields(order, summary, magento))
        self.query_one("#shipping-section", FieldSection).show(shipping_fields(order))
        self._show_items(order, magento)
        self._show_tracking(order, magento)
        self.cancelable = self.service.cancel_refusal(order) is None
        self.query_one("#cancel", Button).display = self.cancelable
        self.shippable = self.service.ship_desk.refusal(order) is None
        self.query_one("#ship", Button).display = self.shippable
        self.refresh_bindings()
        self._show_freshness()

    def _magento_head(self, head: str, magento: str | None, counted: str) -> None:
        text = Text("Magento Order Number ", style="dim")
        text.append_text(literal(magento, "— (no Magento order)"))
        text.append(f"  ·  {counted}", style="dim")
        self.query_one(head, Static).update(text)

    def _show_items(self, order: Order, magento: str | None) -> None:
        units = sum(item.quantity_ordered for item in order.items)
        self._magento_head(
            "#items-head", magento, f"{plural(len(order.items), 'item')}, {plural(units, 'unit')} ordered"
        )
        rows = [
            (
                literal(item.title),
                Text(str(item.quantity_ordered)),
                Text(str(item.quantity_shipped)),
                literal(item.asin),
                literal(item.seller_sku),
                code_label(item.condition),
                code_label(item.subcondition),
                money(item.row_price),
                money(item.row_tax),
                money(item.shipping_price),
                money(item.promotion_discount),
                literal(item.order_item_id),
            )
            for item in order.items
        ]
        self.query_one("#items", Records).show(
            rows, empty=Text("Amazon lists no items for this order.", style="dim")
        )

    def _show_tracking(self, order: Order, magento: str | None) -> None:
        titles = {item.order_item_id: item.title for item in order.items}
        rows: list[tuple[Text, ...]] = []
        for package in order.packages:
            for line in package.lines or [None]:
                rows.append(
                    (
                        literal(titles.get(line.order_item_id) if line else None),
                        Text(str(line.quantity) if line else "—"),
                        literal(package.carrier),
                        literal(package.carrier),
                        literal(package.shipping_service),
                        literal(package.tracking_number),
                        Text(date(package.ship_time)),
                        code_label(package.detailed_status or package.status),
                    )
                )
        held = {package.reference_id for package in order.packages}
        pending = [row for row in self.service.ship_desk.rows(self.order_id) if row.package_id not in held]
        rows += pending_rows(pending, titles)
        counted = plural(len(order.packages), "package")
        if pending:
            counted += f", {len(pending)} not confirmed on Amazon"
        self._magento_head("#tracking-head", magento, counted)
        why = (
            "No packages: Amazon fulfils this order (AFN)."
            if order.fulfilled_by is FulfilledBy.AMAZON
            else "No packages yet."
        )
        self.query_one("#tracking", Records).show(rows, empty=Text(why, style="dim"))

    def _show_freshness(self) -> None:
        """Repaint only when the words change: after the first minute they stay put (idle = 0 bytes)."""
        text = freshness(self.service.fetched_at(self.order_id), self.service.clock())
        if text != self._freshness:
            self._freshness = text
            self.query_one("#freshness", Static).update(
                Text(text, style="dim", justify="right", no_wrap=True, overflow="ellipsis")
            )

    @work(exclusive=True, group="order-refresh")
    async def refresh_from_amazon(self, force: bool) -> None:
        self._freshness = "refreshing from Amazon…"
        self.query_one("#freshness", Static).update(
            Text(self._freshness, style="dim", justify="right", no_wrap=True, overflow="ellipsis")
        )
        try:
            order = await self.service.refresh_order(self.order_id, force=force)
        except Exception as exc:  # noqa: BLE001 - cached data stays; the cause is shown
            self._show_freshness()
            self.show_failure(f"Refresh of {self.order_id}", exc, "refresh_order")
            return
        self.clear_failure("screen")
        self.show(order)

    # -- actions -----------------------------------------------------------------------------

    def action_tab(self, index: int) -> None:
        self.query_one(TabbedContent).active = TABS[index]
        self.query_one(f"#{TABS[index]}").query_one(KeyScroll).focus()

    def action_tab_step(self, step: int) -> None:
        """h/l and the arrows: the previous or next tab (wrapping)."""
        index = TABS.index(self.query_one(TabbedContent).active or TABS[0])
        self.action_tab((index + step) % len(TABS))

    def action_refresh_order(self) -> None:
        self.refresh_from_amazon(force=True)
        self.request(RetryCancellations((self.order_id,)))

    def action_copy_order(self) -> None:
        self.app.copy_to_clipboard(self.order_id)
        self.notify(f"Copied {self.order_id}", timeout=2, markup=False)

    def action_magento_order(self) -> None:
        """Back to the Magento order view: the screen below when it is this order's, else a new one."""
        from amazon_tui.tui.screens.magento_order import MagentoOrderScreen

        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        if isinstance(below, MagentoOrderScreen) and below.order_id == self.order_id:
            self.app.pop_screen()
        else:
            self.app.push_screen(MagentoOrderScreen(self.order_id, self.store))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Cancel Order and Confirm Shipment while they can be done, else their key says why."""
        offered = {
            "magento_order": self.magento is not None,
            "cancel_order": self.cancelable,
            "why_not_cancel": not self.cancelable,
            "confirm_shipment": self.shippable,  # likewise Confirm Shipment and `s`
            "why_not_ship": not self.shippable and self.order is not None,
        }
        return offered[action] if action in offered else super().check_action(action, parameters)

    def action_why_not_cancel(self) -> None:
        self.action_cancel_order()

    def action_cancel_order(self) -> None:
        if self.order is None:
            self.notify("The order is still loading.", severity="warning")
            return
        refusal = self.service.cancel_refusal(self.order)
        if refusal is not None:
            self.explain_refusal(refusal.reason)
            return
        self.request(CancelOrders((self.order_id,)))

    def show_notice(self, text: str) -> None:
        """Why no cancellation or shipment here: in the notice on the details tab, not a toast."""
        notice = self.query_one("#notice", Static)
        notice.update(Text(inert_lines(text), style="#ff8c3a"))
        notice.display = True
        self.action_tab(0)

    def explain_refusal(self, refusal: str) -> None:
        """No cancellation here: say why and where to cancel instead (Seller Central), in a banner
        on the order's details tab (shown), not again in a toast."""
        self.show_notice(
            explain_refusal(self.app, self.service, self.order_id, self.store, refusal, toast=False)
        )
        self.query_one("#details-scroll", KeyScroll).scroll_home(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "back": self.action_back,
            "cancel": self.action_cancel_order,
            "ship": self.action_confirm_shipment,
            "refresh": self.action_refresh_order,
        }
        actions[str(event.button.id)]()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        if not message.order_ids or self.order_id in message.order_ids:
            self.show_cached()
