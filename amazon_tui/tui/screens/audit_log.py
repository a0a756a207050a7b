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
from amazon_tui.tui.widgets.fitted_table import ColumnSpec, FittedTable
from amazon_tui.tui.widgets.row_filter import RowFilter

STATES = {
    CancelState.REQUESTED: ("Requested", "#e5c07b"),
    CancelState.VERIFIED: ("Requested", "#e5c07b"),
    CancelState.SENDING: ("Sent → answer lost", "#e5c07b"),
    CancelState.SUBMITTED: ("Submitted → awaiting Amazon", "#e5c07b"),
    CancelState.CONFIRMING: ("Reported → awaiting Amazon", "#e5c07b"),
    CancelState.CANCELED: ("Submitted → Canceled", "#5fa8ff"),
    CancelState.FAILED: ("Failed", "bold #ff8c3a"),
}


class AuditTable(FittedTable):
    """When, order and state always whole; store, reason, who and Amazon's message shrink."""

    # on the table, not the screen: the focused table's own Enter would hide the screen's from the footer
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="open", tooltip="Amazon Order Details of the order")
    ]

    SPECS = (
        ColumnSpec("time", "Requested"),
        ColumnSpec("order", "Order Number"),
        ColumnSpec("state", "State"),
        ColumnSpec("store", "Store", "shrink", least=6),
        ColumnSpec("reason", "Reason", "shrink", least=8),
        ColumnSpec("operator", "By", "shrink", least=6),
        ColumnSpec("message", "Amazon's message", "shrink", least=10, short="Message"),
    )


def audit_row(entry: JournalEntry) -> dict[str, Text]:
    label, style = STATES[entry.state]
    return {
        "time": Text(date(entry.requested_at)),
        "order": literal(entry.order_id),
        "state": Text(label, style=style),
        "store": literal(entry.store),
        "reason": Text(entry.reason.label),
        "operator": literal(entry.operator),
        "message": Text(" ".join(safe_text(entry.message or "").split())),
    }


class AuditScreen(FilteringScreen):
    """The cancellations, newest first, and those still in flight."""

    entries: list[JournalEntry] = []  # the rows shown, in order (replaced on every reload)
    _history: list[JournalEntry] = []  # every cancellation, newest first

    HELP = (
        "One line per cancellation: when it was requested, the order, where it stands, the reason, who asked "
        "and what Amazon answered. {quick-filter} filters (order, store, reason, who, state, message); "
        "{open} opens the order. Pending rows resume by themselves; "
        "`amazon-tui audit` prints every step."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "reload", "Reload", id="refresh"),
    ]

    def trail(self) -> list[str]:
        return ["Amazon Stores", "Audit log"]

    def compose_body(self) -> ComposeResult:
        yield Static(id="pending")
        yield RowFilter(
            "Filter: order number, store, reason, who, state, Amazon's message", id="audit-filter"
        )
        yield AuditTable(id="audit")

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
        self.entries = [entry for entry, _ in shown]
        self.query_one("#audit", AuditTable).fill(
            [row for _, row in shown], [str(entry.id) for entry in self.entries]
        )

    def action_open_order(self) -> None:
        table = self.query_one("#audit", AuditTable)
        if 0 <= table.cursor_row < len(self.entries):
            self.request(OpenDetails(self.entries[table.cursor_row].order_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_order()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.action_reload()
