"""The attention queue as a table: store, order number, why, time left or overdue, buyer, total.

An ``OrderTable`` (j/k/g/G, `y`, the ● mark of new and changed orders) with its own columns.
``show_items`` repaints only when a cell's text would change, so a poll that brings nothing
new writes nothing to the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from amazon_tui.attention import BUYER_CANCEL, LATE, AttentionItem
from amazon_tui.domain import OrderSummary
from amazon_tui.tui.format import clean
from amazon_tui.tui.widgets.order_table import OrderTable, _cell

COLUMNS = (
    ("store", "Store"),
    ("order_number", "Order Number"),
    ("why", "Why"),
    ("when", "Time Left"),
    ("buyer", "Buyer's Name"),
    ("total", "Total"),
)
KIND_STYLES = {BUYER_CANCEL: "bold #c678dd", LATE: "bold #ff8c3a"}
OVERDUE_STYLE = "#ff8c3a"


class AttentionTable(OrderTable):
    """Rows keyed by order number; ``current_item`` is the item under the cursor."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: dict[str, AttentionItem] = {}
        self.now: datetime | None = None

    def widths(self) -> list[int]:
        if self.compact:
            return [9, 20, 13, 13, 11, 11]
        return [14, 20, 23, 15, 24, 16]

    def _headers(self) -> None:
        self.clear(columns=True)
        self.add_column(" ", width=2, key="mark")
        for (key, label), width in zip(COLUMNS, self.widths()):
            label = "Buyer" if key == "buyer" and self.compact else label
            self.add_column(_cell(Text(label, style="bold"), width, right=key == "total"), width=width, key=key)

    def show_items(self, items: Sequence[AttentionItem], now: datetime) -> bool:
        """Show the queue, keeping the cursor on its order; False when nothing visible changed."""
        widths = self.widths()
        before = [self._plain(summary, widths) for summary in self._rows] if self._compact == self.compact else None
        self.items = {item.order.order_id: item for item in items}
        self.now = now
        if self.columns and before == [self._plain(item.order, widths) for item in items]:
            return False
        current = self.current
        self.show([item.order for item in items], keep=current.order_id if current else None)
        return True

    def _plain(self, summary: OrderSummary, widths: list[int]) -> list[str]:
        return [cell.plain for cell in self._cells(summary, widths)]

    def _cells(self, summary: OrderSummary, widths: list[int]) -> list[Text]:
        item = self.items[summary.order_id]
        compact = self.compact
        when = item.time_left(self.now)
        total = summary.total.format() if summary.total is not None else ""
        return [
            self._mark(summary),
            _cell(clean(summary.store), widths[0]),
            self._number_cell(summary),
            _cell(Text(item.short_label if compact else item.label, style=KIND_STYLES.get(item.kind, "#e5c07b")), widths[2]),
            _cell(Text(when, style=OVERDUE_STYLE if when.startswith("overdue") else ""), widths[3]),
            _cell(clean(summary.buyer_name or "—"), widths[4]),
            _cell(total, widths[5], right=True),
        ]

    @property
    def current_item(self) -> AttentionItem | None:
        summary = self.current
        return self.items.get(summary.order_id) if summary else None

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()  # the queue has one order: most urgent first
