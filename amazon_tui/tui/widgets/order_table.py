"""The order list (Recent Orders, All Amazon Orders): one page of rows from SQL, never all.

A DataTable subclass with the motion keys, `y` to copy the order number, header clicks to sort
and a mark column: [x] / [ ] for bulk actions while anything is marked, otherwise ● for a new or
changed order until the cursor has rested on it (then it counts as seen). Rows are built from
``OrderSummary`` with untrusted text wrapped in ``Text`` so buyer names and notes are shown
literally. Columns are fitted to the table's own width by priority (``fitted_table``) and
fitted again when it changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from amazon_tui.domain.models import OrderSummary
from amazon_tui.domain.text import safe_text
from amazon_tui.domain.values import OrderStatus, SortField, format_amount
from amazon_tui.tui.format import UNSEEN_MARK, summary_status
from amazon_tui.tui.messages import OrderSeen
from amazon_tui.tui.widgets.fitted_table import SCROLLBAR, ColumnSpec, FittedTable

COLUMNS: tuple[tuple[SortField, str], ...] = (
    (SortField.PURCHASE_DATE, "Purchase Date"),
    (SortField.ORDER_NUMBER, "Order Number"),
    (SortField.STATUS, "Status"),
    (SortField.SHIP_BY, "Ship By"),
    (SortField.BUYER_NAME, "Buyer's Name"),
    (SortField.TOTAL, "Total"),
    (SortField.NOTES, "Order Notes"),
)
_LABELS = dict(COLUMNS)
# One plan at any page (issue 31): the order number, ship-by and total are never cut, planned from
# their formats; the purchase date goes first when room is short; status, buyer and notes share
# the rest by rule: each its least, then the buyer's name up to 15 columns, the status up to the
# longest common label ("● Partially Shipped"), the notes up to 20, then the status up to its
# longest label and the notes take every column left. A rare longer status ends with "…" at 80
# columns; the order's own view shows it whole.
SPECS = (
    ColumnSpec("mark", " "),
    ColumnSpec(SortField.PURCHASE_DATE.value, _LABELS[SortField.PURCHASE_DATE], "drop"),
    ColumnSpec(SortField.ORDER_NUMBER.value, _LABELS[SortField.ORDER_NUMBER]),
    ColumnSpec(
        SortField.STATUS.value, _LABELS[SortField.STATUS], "shrink", least=11, fair=19, most=22, rank=1
    ),
    ColumnSpec(SortField.SHIP_BY.value, _LABELS[SortField.SHIP_BY]),
    ColumnSpec(
        SortField.BUYER_NAME.value,
        _LABELS[SortField.BUYER_NAME],
        "shrink",
        least=8,
        short="Buyer",
        fair=15,
        most=30,
        rank=0,
    ),
    ColumnSpec(SortField.TOTAL.value, _LABELS[SortField.TOTAL], right=True),
    ColumnSpec(
        SortField.NOTES.value, _LABELS[SortField.NOTES], "shrink", least=5, short="Notes", fair=20, rank=2
    ),
)
WIDE = 110  # from this width: full dates, totals with their currency, sort arrows
LATE_STYLE = "#ff8c3a"


class OrderTable(FittedTable):
    """Orders as rows keyed by order number, columns fitted to the table's width."""

    BINDINGS = [
        Binding("y", "copy_order", "Copy number", show=False, id="copy-order"),
    ]
    SPECS: tuple[ColumnSpec, ...] = SPECS
    number_column = SortField.ORDER_NUMBER.value

    class SortRequested(Message):
        def __init__(self, field: SortField) -> None:
            super().__init__()
            self.field = field

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.marked: set[str] = set()
        self.sorted_by: tuple[SortField, bool] = (SortField.PURCHASE_DATE, True)  # not DataTable.sort
        self._rows: list[OrderSummary] = []
        self._now: datetime | None = None

    @property
    def compact(self) -> bool:
        return self.room + SCROLLBAR < WIDE

    def header_label(self, spec: ColumnSpec) -> str:
        field, descending = self.sorted_by
        if spec.key == field.value and not self.compact:
            return spec.label + (" ▼" if descending else " ▲")
        return spec.label

    def floors(self) -> dict[str, int]:
        """Dates and numbers by their format; totals as wide as 9,999.99 (with the currency when
        wide): a page of larger totals widens the column, a page of small ones keeps it."""
        compact = self.compact
        date = len("11-20 12:00" if compact else "2026-11-20 12:00")
        return {
            "mark": 3 if self.marked else 1,
            SortField.PURCHASE_DATE.value: date,
            SortField.ORDER_NUMBER.value: len("111-1234567-1234567"),
            SortField.SHIP_BY.value: date,
            SortField.TOTAL.value: len("9,999.99" if compact else "USD 9,999.99"),
        }

    def show(self, rows: Sequence[OrderSummary], *, keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on ``keep`` (an order number) when it is there."""
        self._rows = list(rows)
        self._now = self._clock()
        self.fill(
            [self.values(summary) for summary in self._rows], [summary.order_id for summary in self._rows]
        )
        if keep is not None:
            self.select(keep)

    def refit(self) -> None:
        current = self.current
        self.show(self._rows, keep=current.order_id if current else None)

    def _clock(self) -> datetime | None:
        service = getattr(self.app, "service", None) if self.is_attached else None
        return service.clock() if service is not None else None

    def values(self, summary: OrderSummary) -> dict[str, Text]:
        """The cells of one order, unshortened, by column key."""
        compact = self.compact
        total = ""
        if summary.total is not None:
            money = summary.total
            total = format_amount(money.amount, money.currency) if compact else money.format()
        return {
            "mark": self._mark(summary),
            SortField.PURCHASE_DATE.value: Text(
                summary.purchase_date.strftime("%m-%d %H:%M" if compact else "%Y-%m-%d %H:%M")
            ),
            SortField.ORDER_NUMBER.value: self._number(summary),
            SortField.STATUS.value: summary_status(summary),
            SortField.SHIP_BY.value: self._ship_by(summary, compact),
            SortField.BUYER_NAME.value: Text(safe_text(summary.buyer_name or "—")),
            SortField.TOTAL.value: Text(total),
            SortField.NOTES.value: Text(safe_text(summary.notes or "")),
        }

    def _ship_by(self, summary: OrderSummary, compact: bool) -> Text:
        """The latest ship date: orange once passed with items still to ship, dim once shipped."""
        if summary.ship_by is None:
            return Text("—", style="dim")
        text = Text(summary.ship_by.strftime("%m-%d %H:%M" if compact else "%Y-%m-%d %H:%M"))
        if summary.status not in (OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED):
            text.stylize("dim")
        elif self._now is not None and summary.ship_by < self._now:
            text.stylize(LATE_STYLE)
        return text

    def _mark(self, summary: OrderSummary) -> Text:
        """[x] marked, [ ] markable while anything is marked (readable without colour), else ● unseen."""
        if self.marked:
            if summary.order_id in self.marked:
                return Text("[x]", style="bold #5fa8ff")
            return Text("[ ]" if summary.cancelable_hint else "   ", style="dim")
        return UNSEEN_MARK.copy() if summary.unseen else Text(" ")

    def _number(self, summary: OrderSummary) -> Text:
        """The order number, bold while the order is new or changed and not yet seen."""
        return Text(safe_text(summary.order_id), style="bold" if summary.unseen else "")

    def _mark_cell(self, summary: OrderSummary) -> Text:
        return self.fitted("mark", self._mark(summary))

    def _number_cell(self, summary: OrderSummary) -> Text:
        return self.fitted(self.number_column, self._number(summary))

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
        self.set_marked(self.marked ^ {summary.order_id})
        return summary

    def set_marked(self, order_ids: Iterable[str]) -> None:
        """Replace the marks; the mark column is refitted when marking starts or ends."""
        before = bool(self.marked)
        self.marked = set(order_ids)
        if before != bool(self.marked):
            self.refit()
            return
        for summary in self._rows:
            self.update_cell(summary.order_id, "mark", self._mark_cell(summary))

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
        self.update_cell(seen.order_id, "mark", self._mark_cell(seen))
        self.update_cell(seen.order_id, self.number_column, self._number_cell(seen))
        self.post_message(OrderSeen(seen.order_id))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = event.column_key.value
        if key and key != "mark":
            self.post_message(self.SortRequested(SortField(key)))
