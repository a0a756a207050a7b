"""Store dashboard: header, sales revenue (30/7 days), Seller Central links, Recent Orders."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from amazon_tui.local.store_figures import AttentionCounts
from amazon_tui.tui.format import last_updated
from amazon_tui.tui.messages import OrdersChanged, SyncChanged
from amazon_tui.tui.requests import OpenAllOrders, OpenDetails, OpenOrder, SyncNow
from amazon_tui.tui.screens.marking import CANCEL_TOOLTIP, MarkingScreen
from amazon_tui.tui.widgets.links import SellerCentralLinks
from amazon_tui.tui.widgets.order_table import OrderTable
from amazon_tui.tui.widgets.revenue import RevenueChart
from amazon_tui.tui.widgets.store_card import attention_text
from amazon_tui.tui.widgets.store_header import StoreHeader

ORDER_ACTIONS = ("open_order", "open_amazon", "cancel_order", "mark", "mark_all", "clear_marks")
TITLE_PADDING = 4  # the section title's padding and a gap before the attention counts


class DashboardScreen(MarkingScreen):
    """One store (View Store)."""

    HELP = (
        "The store's figures and its Recent Orders "
        "(new and changed orders marked ● until the cursor has been on them). "
        "{open} opens the Magento order view; {open-amazon} opens Amazon Order Details; "
        "{all-orders} opens All Amazon Orders; {period} switches 30/7 days; "
        "{attention} lists the orders that need action. "
        "{mark} marks an Unshipped order, {mark-all} marks every cancelable one listed, "
        "{clear-marks} clears; "
        "{cancel-order} cancels the marked orders in one feed."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("enter", "open_order", "Open", show=False, id="open"),
        Binding("o", "open_amazon", "Details", tooltip="View or Cancel Amazon Order", id="open-amazon"),
        Binding("a", "all_orders", "All Orders", id="all-orders"),
        Binding("c", "cancel_order", "Cancel Order", id="cancel-order", tooltip=CANCEL_TOOLTIP),
        Binding("t", "toggle_period", "30/7 days", show=False, id="period"),
        Binding("r", "sync", "Sync", show=False, id="sync"),
    ]

    def __init__(self, store: str) -> None:
        super().__init__()
        self.store = store
        self.days = 30
        self._attention: AttentionCounts | None = None
        self._title_width = 0

    def trail(self) -> list[str]:
        return ["Amazon Stores", self.store]

    def compose_body(self) -> ComposeResult:
        card = self.service.store_card(self.store)
        yield StoreHeader(id="store-header")
        with Horizontal(id="dash-top"):
            yield RevenueChart(id="revenue")
            yield SellerCentralLinks(card.marketplace, id="links")
        with Horizontal(id="recent-bar", classes="section-title"):
            yield Static(id="recent-title")
            yield Static(id="attention-counts")
        yield OrderTable(id="recent")

    def on_mount(self) -> None:
        self.days = 7 if self.service.preferences.current.revenue_days == 7 else 30  # as the operator left it
        self.table.focus()
        self.marks_changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No order keys over an empty Recent Orders (an inactive store's): nothing to open or cancel."""
        if action in ORDER_ACTIONS and self.is_mounted and not self.table.rows_shown:
            return False
        return super().check_action(action, parameters)

    @property
    def table(self) -> OrderTable:
        return self.query_one("#recent", OrderTable)

    def marks_changed(self) -> None:
        """The section title: the marks while there are any, else the way to All Orders."""
        title = Text("Recent Orders  ", style="bold")
        marks = self.marks_text()
        if marks:
            title.append(marks, style="bold #e5c07b")
        else:
            title.append(f"({self.key_for('all_orders') or 'a'}: All Orders)", style="dim")
        self.query_one("#recent-title", Static).update(title)
        self._title_width = title.cell_len + TITLE_PADDING
        if self._attention is not None:
            self._show_attention()

    def reload(self) -> None:
        card = self.service.store_card(self.store)
        self.query_one(StoreHeader).show(card)
        self._attention = card.attention
        self.query_one(RevenueChart).show(
            self.service.revenue(self.store, self.days), self.days, card.marketplace.currency
        )
        table = self.table
        keep = table.current.order_id if table.current else None
        rows = self.service.recent_orders(self.store)
        table.marked &= {row.order_id for row in rows if row.cancelable_hint}  # canceled or shipped meanwhile
        had_rows = bool(table.rows_shown)
        table.show(rows, keep=keep)
        if had_rows != bool(rows):
            self.refresh_bindings()  # the order keys come and go with the rows
        self.marks_changed()

    def _show_attention(self) -> None:
        """The late / due soon / buyer-request counts in the words that fit beside the title."""
        if self._attention is None:
            return
        width = max(10, (self.size.width or self.app.size.width) - self._title_width)
        self.query_one("#attention-counts", Static).update(attention_text(self._attention, width))

    def on_resize(self) -> None:  # Textual runs SizeGated.on_resize too (handlers are called along the MRO)
        if self._attention is not None:
            self._show_attention()

    def action_toggle_period(self) -> None:
        self.days = 7 if self.days == 30 else 30
        self.service.preferences.set(revenue_days=self.days)
        card = self.service.store_card(self.store)
        self.query_one(RevenueChart).show(
            self.service.revenue(self.store, self.days), self.days, card.marketplace.currency
        )

    def action_open_order(self) -> None:
        current = self.table.current
        if current is not None:
            self.request(OpenOrder(current.order_id))

    def action_open_amazon(self) -> None:
        current = self.table.current
        if current is not None:
            self.request(OpenDetails(current.order_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.request(OpenOrder(str(event.row_key.value)))

    def action_all_orders(self) -> None:
        self.request(OpenAllOrders(self.store))

    def sync_scope(self) -> tuple[str, ...]:
        return (self.store,)

    def action_sync(self) -> None:
        self.request(SyncNow((self.store,)))

    def on_sync_changed(self, message: SyncChanged) -> None:
        if message.progress.store == self.store and message.progress.phase in ("done", "failed"):
            self.reload()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.reload()

    def refresh_last_sync(self) -> None:
        """After a quiet poll: the header's "Last Updated", when its minute changed."""
        header = self.query_one(StoreHeader)
        if header.last_sync_text != last_updated(self.service.last_sync(self.store)):
            header.show(self.service.store_card(self.store))

    def on_screen_resume(self) -> None:
        self.reload()
