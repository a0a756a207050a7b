"""The attention queue as a table: store, order number, why, time left or overdue, buyer, total.

An ``OrderTable`` (j/k/g/G, `y`, the ● mark of new and changed orders) with its own columns.
``show_items`` repaints only when a cell's text would change, so a poll that brings nothing
new writes nothing to the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from amazon_tui.domain.attention import BUYER_CANCEL, LATE, NOT_CONFIRMED, REFUND, AttentionItem
from amazon_tui.domain.models import OrderSummary
from amazon_tui.domain.text import safe_text
from amazon_tui.tui.widgets.fitted_table import ColumnSpec
from amazon_tui.tui.widgets.order_table import OrderTable

SPECS = (
    ColumnSpec("mark", " "),
    ColumnSpec("store", "Store", "shrink", least=6),
    ColumnSpec("order_number", "Order Number"),
    ColumnSpec("why", "Why"),
    ColumnSpec("when", "Time Left"),
    ColumnSpec("buyer", "Buyer's Name", "shrink", least=8, short="Buyer"),
    ColumnSpec("total", "Total", right=True),
)
KIND_STYLES = {
    REFUND: "bold #ff5f5f",
    BUYER_CANCEL: "bold #c678dd",
    NOT_CONFIRMED: "bold #61afef",
    LATE: "bold #ff8c3a",
}
OVERDUE_STYLE = "#ff8c3a"


class AttentionTable(OrderTable):
    """Rows keyed by order number; ``current_item`` is the item under the cursor."""

    # on the table, not the screen: the focused table's own Enter would hide the screen's from the footer
    BINDINGS = [
        Binding("enter", "select_cursor", "Details", id="open", tooltip="Amazon Order Details of the order")
    ]
    SPECS = SPECS
    number_column = "order_number"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: dict[str, AttentionItem] = {}

    def header_label(self, spec: ColumnSpec) -> str:
        return spec.label  # one order: most urgent first

    def show_items(self, items: Sequence[AttentionItem], now: datetime) -> bool:
        """Show the queue, keeping the cursor on its order; False when nothing visible changed."""
        before = [self._plain(summary) for summary in self._rows]
        planned = self._planned_for
        self.items = {item.order.order_id: item for item in items}
        self._now = now
        if self.columns and planned == self.room and before == [self._plain(item.order) for item in items]:
            return False
        current = self.current
        self.show([item.order for item in items], keep=current.order_id if current else None)
        return True

    def _clock(self) -> datetime | None:
        return self._now

    def _plain(self, summary: OrderSummary) -> list[str]:
        item = self.items.get(summary.order_id)
        return [cell.plain for cell in self.values(summary).values()] if item else []

    def values(self, summary: OrderSummary) -> dict[str, Text]:
        item = self.items[summary.order_id]
        when = item.time_left(self._now) if self._now is not None else ""
        total = summary.total.format() if summary.total is not None else ""
        return {
            "mark": self._mark(summary),
            "store": Text(safe_text(summary.store)),
            "order_number": self._number(summary),
            "why": Text(
                item.short_label if self.compact else item.label, style=KIND_STYLES.get(item.kind, "#e5c07b")
            ),
            "when": Text(when, style=OVERDUE_STYLE if when.startswith("overdue") else ""),
            "buyer": Text(safe_text(summary.buyer_name or "—")),
            "total": Text(total),
        }

    @property
    def current_item(self) -> AttentionItem | None:
        summary = self.current
        return self.items.get(summary.order_id) if summary else None

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()  # the queue has one order: most urgent first
