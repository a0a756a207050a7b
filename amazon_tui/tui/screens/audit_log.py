"""Audit log: one line per cancellation (order, store, reason, who, when, where it stands).

The step-by-step trail (verified, uploaded, feed created, Amazon's report) stays in the
database and in ``amazon-tui audit``; the screen shows what an operator asks of it: was this
order canceled, by whom, and if not, what Amazon said. Enter opens the order.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from amazon_tui.domain.text import safe_text
from amazon_tui.local.journal import CancelState, JournalEntry
from amazon_tui.tui.format import date, literal
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.requests import OpenDetails
from amazon_tui.tui.screens.filtering import FilteringScreen
from amazon_tui.tui.screens.order_details import CANCELLATION_WORDS
from amazon_tui.tui.widgets.fitted_table import ColumnSpec, FittedTable
from amazon_tui.tui.widgets.row_filter import RowFilter

STATES = {  # the Result column: short, whole at 80 columns; where it stands in detail is on the order
    CancelState.REQUESTED: ("Requested", "#e5c07b"),
    CancelState.VERIFIED: ("Requested", "#e5c07b"),
    CancelState.SENDING: ("Answer lost", "#e5c07b"),
    CancelState.SUBMITTED: ("Submitted", "#e5c07b"),
    CancelState.CONFIRMING: ("Awaiting Amazon", "#e5c07b"),
    CancelState.CANCELED: ("Canceled", "#5fa8ff"),
    CancelState.FAILED: ("Failed", "bold #ff8c3a"),
}
FIXED = 2  # Requested and Order Number stay in view while h/l scroll the other columns
NONE = "—"


class AuditTable(FittedTable):
    """Requested and the order number fixed on the left; the other columns keep a readable width
    and scroll sideways with h/l, a column at a time, when the terminal is narrower than them."""

    # on the table, not the screen: the focused table's own Enter would hide the screen's from the footer
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="open", tooltip="Amazon Order Details of the order")
    ]

    SPECS = (
        ColumnSpec("time", "Requested"),
        ColumnSpec("order", "Order Number"),
        ColumnSpec("state", "Result"),
        ColumnSpec("store", "Store", "shrink", least=12),
        ColumnSpec("reason", "Reason"),  # ASC's labels, 37 at most
        ColumnSpec("operator", "By", "shrink", least=12),
        ColumnSpec("feed", "Feed", "shrink", least=12),
        ColumnSpec("message", "Amazon's message", "shrink", least=30, short="Amazon"),
    )  # amazon-tui's own note on the row: whole, under the table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fixed_columns = FIXED

    @property
    def room(self) -> int:
        """The width the columns are planned for: the table's, or wider when their readable
        widths need more (then h/l scroll)."""
        readable = 0
        for spec in self.SPECS:
            natural = max([len(spec.label), *(row[spec.key].cell_len for row in self._cells)])
            readable += (natural if spec.role == "keep" else min(natural, spec.least)) + 1
        return max(super().room, readable)

    def _scroll_stops(self) -> list[int]:
        """Where each column after the fixed ones starts, as the horizontal scroll offset."""
        widths = [self._widths[spec.key] for spec in self.SPECS if spec.key in self._widths][FIXED:]
        return [sum(widths[:index]) for index in range(len(widths))]

    def action_cursor_right(self) -> None:
        """l: the next column into view (the fixed ones stay)."""
        stops = [x for x in self._scroll_stops() if x > self.scroll_x and x <= self.max_scroll_x]
        target = stops[0] if stops else self.max_scroll_x
        self.scroll_to(x=target, animate=False, immediate=True)

    def action_cursor_left(self) -> None:
        """h: the previous column back into view."""
        stops = [x for x in self._scroll_stops() if x < self.scroll_x]
        self.scroll_to(x=stops[-1] if stops else 0, animate=False, immediate=True)

    def on_resize(self) -> None:
        """Another size: back to the first column, never half of one (FittedTable's handler refits)."""
        self.scroll_to(x=0, animate=False, immediate=True)


def _line(text: str | None) -> Text:
    """Untrusted or long text on one line, inert; "—" when there is none."""
    words = " ".join(safe_text(text or "").split())
    return Text(words) if words else Text(NONE, style="dim")


def audit_row(entry: JournalEntry) -> dict[str, Text]:
    label, style = STATES[entry.state]
    note = entry.message
    if note is None and entry.state in CANCELLATION_WORDS:  # in flight: where it stands
        note = f"Cancellation {CANCELLATION_WORDS[entry.state]}."
    if entry.magento_error:
        note = f"{note} {entry.magento_error}" if note else entry.magento_error
    return {  # "note" is shown under the table, not as a column
        "time": Text(date(entry.requested_at)),
        "order": literal(entry.order_id),
        "state": Text(label, style=style),
        "store": literal(entry.store),
        "reason": Text(entry.reason.label),
        "operator": literal(entry.operator),
        "feed": literal(entry.feed_id),
        "message": _line(entry.amazon_words),  # Amazon's words only: the report's error for our message
        "note": _line(note),  # what amazon-tui made of it
    }


class AuditScreen(FilteringScreen):
    """The cancellations, newest first, and those still in flight."""

    entries: list[JournalEntry] = []  # the rows shown, in order (replaced on every reload)
    _history: list[JournalEntry] = []  # every cancellation, newest first

    HELP = (
        "One line per cancellation: when it was requested, the order, its result, the store, the reason, "
        "who asked, the feed, Amazon's own words from its processing report (— when Amazon gave none) "
        "(whole under the table for the row under the cursor, with amazon-tui's own note). "
        "{scroll-left}/{scroll-right} scroll the columns sideways (the time and order number stay). "
        "{quick-filter} filters (any column); "
        "{open} opens the order. Pending rows resume by themselves; "
        "`amazon-tui audit` prints every step."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "reload", "Reload", id="refresh"),
    ]
    DEFAULT_CSS = """
    #audit-detail { height: auto; max-height: 8; padding: 0 1; border-top: solid $primary 50%; }
    """

    def trail(self) -> list[str]:
        return ["Amazon Stores", "Audit log"]

    def compose_body(self) -> ComposeResult:
        yield Static(id="pending")
        yield RowFilter("Filter: order number, result, store, reason, who, feed, message", id="audit-filter")
        yield AuditTable(id="audit")
        yield Static(id="audit-detail")

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one("#audit").focus()

    def action_reload(self) -> None:
        pending = self.service.pending_cancellations()
        text = (
            f"{len(pending)} cancellation(s) in flight: " + ", ".join(e.order_id for e in pending)
            if pending
            else "No cancellation in flight."
        )
        self.query_one("#pending", Static).update(literal(text))
        self._history = self.service.cancellation_history()
        self.apply_filter()

    def apply_filter(self) -> None:
        """The cancellations that match the `/` filter, newest first."""
        rows = [(entry, audit_row(entry)) for entry in self._history]
        shown = [
            (entry, row)
            for entry, row in rows
            if self.row_filter.matches(cell.plain for cell in row.values())
        ]
        table = self.query_one("#audit", AuditTable)
        current = self.entries[table.cursor_row].id if 0 <= table.cursor_row < len(self.entries) else None
        self.entries = [entry for entry, _ in shown]
        table.fill([row for _, row in shown], [str(entry.id) for entry in self.entries])
        ids = [entry.id for entry in self.entries]
        if current in ids:  # a reload keeps the cursor on its cancellation
            table.move_cursor(row=ids.index(current))
        self.show_detail()

    def show_detail(self) -> None:
        """Under the table, whole: Amazon's words and amazon-tui's note on the row under the cursor."""
        table = self.query_one("#audit", AuditTable)
        detail = self.query_one("#audit-detail", Static)
        if not 0 <= table.cursor_row < len(self.entries):
            detail.display = False
            return
        entry = self.entries[table.cursor_row]
        row = audit_row(entry)
        text = Text.assemble(("Amazon's message: ", "bold"), row["message"], "\n")
        text.append("amazon-tui's note: ", style="bold")
        text.append_text(row["note"])
        detail.update(text)
        detail.display = True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def action_open_order(self) -> None:
        table = self.query_one("#audit", AuditTable)
        if 0 <= table.cursor_row < len(self.entries):
            self.request(OpenDetails(self.entries[table.cursor_row].order_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_order()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.action_reload()
