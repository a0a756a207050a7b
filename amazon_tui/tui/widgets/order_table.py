"""The order list (Recent Orders, All Amazon Orders): one page of rows from SQL, never all.

A DataTable subclass with j/k/g/G, `y` to copy the order number, header clicks to sort and
a mark column: ✓ for bulk actions, ● for a new or changed order until the cursor has rested
on it (then it counts as seen). Rows are built from ``OrderSummary`` with
untrusted text wrapped in ``Text`` so buyer names and notes are shown literally.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from amazon_tui.domain import OrderSummary, SortField
from amazon_tui.tui.format import UNSEEN_MARK, clean, summary_status
from amazon_tui.tui.messages import OrderSeen

COLUMNS: tuple[tuple[SortField, str], ...] = (
    (SortField.PURCHASE_DATE, "Purchase Date"),
    (SortField.ORDER_NUMBER, "Order Number"),
    (SortField.STATUS, "Status"),
    (SortField.BUYER_NAME, "Buyer's Name"),
    (SortField.TOTAL, "Total"),
    (SortField.NOTES, "Order Notes"),
)
WIDE = 110


def _cell(text: Text | str, width: int, *, right: bool = False) -> Text:
    """A cell exactly ``width`` wide with a one-column gap (cell_padding is 0)."""
    cell = text if isinstance(text, Text) else Text(text)
    cell.no_wrap = True
    cell.truncate(width - 1, overflow="ellipsis")
    if right:
        cell.pad_left(width - 1 - cell.cell_len)
    cell.append(" ")
    return cell


class OrderTable(DataTable):
    """Orders as rows keyed by order number."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("g", "scroll_top", "First", show=False, id="first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="last"),
        Binding("y", "copy_order", "Copy number", show=False, id="copy-order"),
    ]
    DEFAULT_CSS = """
    OrderTable { height: 1fr; scrollbar-size-vertical: 1; }
    """

    class SortRequested(Message):
        def __init__(self, field: SortField) -> None:
            super().__init__()
            self.field = field

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", cell_padding=0, zebra_stripes=True)
        self.marked: set[str] = set()
        self.sort: tuple[SortField, bool] = (SortField.PURCHASE_DATE, True)
        self._rows: list[OrderSummary] = []
        self._compact = True

    @property
    def compact(self) -> bool:
        return (self.app.size.width if self.is_attached else 80) < WIDE

    def widths(self) -> list[int]:
        compact = self.compact
        return [14 if compact else 17, 20, 20, 13 if compact else 24, 10 if compact else 15, 60]

    def _headers(self) -> None:
        self.clear(columns=True)
        self.add_column(" ", width=2, key="mark")
        field, descending = self.sort
        for (column, label), width in zip(COLUMNS, self.widths()):
            arrow = (" ▼" if descending else " ▲") if column is field and not self.compact else ""
            header = _cell(Text(label + arrow, style="bold"), width, right=column is SortField.TOTAL)
            self.add_column(header, width=width, key=column.value)

    def show(self, rows: Sequence[OrderSummary], *, keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on ``keep`` (an order number) when it is there."""
        self._rows = list(rows)
        self._compact = self.compact
        self._headers()
        widths = self.widths()
        for summary in rows:
            self.add_row(*self._cells(summary, widths), key=summary.order_id)
        if keep is not None:
            self.select(keep)

    def _cells(self, summary: OrderSummary, widths: list[int]) -> list[Text]:
        compact = self._compact
        date = summary.purchase_date.strftime("%m-%d %H:%M" if compact else "%Y-%m-%d %H:%M")
        total = ""
        if summary.total is not None:
            total = f"{summary.total.amount:,.2f}" if compact else summary.total.format()
        return [
            self._mark(summary),
            _cell(date, widths[0]),
            self._number_cell(summary),
            _cell(summary_status(summary), widths[2]),
            _cell(clean(summary.buyer_name or "—"), widths[3]),
            _cell(total, widths[4], right=True),
            _cell(clean(summary.notes or ""), widths[5]),
        ]

    def _mark(self, summary: OrderSummary) -> Text:
        if summary.order_id in self.marked:
            return Text("✓ ", style="bold #5fa8ff")
        return UNSEEN_MARK.copy() if summary.unseen else Text("  ")

    def _number_cell(self, summary: OrderSummary) -> Text:
        """The order number, bold while the order is new or changed and not yet seen."""
        return _cell(Text(clean(summary.order_id), style="bold" if summary.unseen else ""), self.widths()[1])

    def select(self, order_id: str) -> None:
        for index, summary in enumerate(self._rows):
            if summary.order_id == order_id:
                self.move_cursor(row=index)
                return

    @property
    def current(self) -> OrderSummary | None:
        if not self._rows or not 0 <= self.cursor_row < len(self._rows):
            return None
        return self._rows[self.cursor_row]

    @property
    def rows_shown(self) -> list[OrderSummary]:
        return list(self._rows)

    def toggle_mark(self) -> OrderSummary | None:
        """Mark or unmark the order under the cursor; returns it."""
        summary = self.current
        if summary is None:
            return None
        self.marked.symmetric_difference_update({summary.order_id})
        self.update_cell(summary.order_id, "mark", self._mark(summary))
        return summary

    def set_marked(self, order_ids: Iterable[str]) -> None:
        self.marked = set(order_ids)

    def action_copy_order(self) -> None:
        summary = self.current
        if summary is not None:
            self.app.copy_to_clipboard(summary.order_id)
            self.notify(f"Copied {summary.order_id}", timeout=2, markup=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The cursor rests on a new or changed order: it is seen now (the app clears the mark)."""
        summary = self.current
        if summary is None or not summary.unseen or event.cursor_row != self.cursor_row:
            return
        seen = summary.model_copy(update={"unseen": False})
        self._rows[self.cursor_row] = seen
        self.update_cell(seen.order_id, "mark", self._mark(seen))
        self.update_cell(seen.order_id, self.number_column, self._number_cell(seen))
        self.post_message(OrderSeen(seen.order_id))

    number_column = SortField.ORDER_NUMBER.value

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = event.column_key.value
        if key and key != "mark":
            self.post_message(self.SortRequested(SortField(key)))
