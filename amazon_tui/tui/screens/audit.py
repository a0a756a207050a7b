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

from amazon_tui.local.journal import CancelState, JournalEntry
from amazon_tui.tui.format import clean, date, literal
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.screens.base import BaseScreen
from amazon_tui.tui.widgets.fitted_table import ColumnSpec, FittedTable

STATES = {
    CancelState.REQUESTED: ("Requested", "#e5c07b"),
    CancelState.VERIFIED: ("Requested", "#e5c07b"),
    CancelState.SUBMITTED: ("Submitted → awaiting Amazon", "#e5c07b"),
    CancelState.CANCELED: ("Submitted → Canceled", "#5fa8ff"),
    CancelState.FAILED: ("Failed", "bold #ff8c3a"),
}


class AuditTable(FittedTable):
    """When, order and state always whole; store, reason, who and Amazon's message shrink."""

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
        "time": Text(date(entry.requested_at)), "order": literal(entry.order_id), "state": Text(label, style=style),
        "store": literal(entry.store), "reason": Text(entry.reason.label), "operator": literal(entry.operator),
        "message": Text(" ".join(clean(entry.message or "").split())),
    }


class AuditScreen(BaseScreen):
    """The cancellations, newest first, and those still in flight."""

    entries: list[JournalEntry] = []  # the rows shown, in order (replaced on every reload)

    HELP = (
        "One line per cancellation: when it was requested, the order, where it stands, the reason, who asked "
        "and what Amazon answered. Enter opens the order. Pending rows resume by themselves; "
        "`amazon-tui audit` prints every step."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("enter", "open_order", "Open", id="open"),
        Binding("r", "reload", "Reload", id="refresh"),
    ]

    def trail(self) -> list[str]:
        return ["Amazon Stores", "Audit log"]

    def compose_body(self) -> ComposeResult:
        yield Static(id="pending")
        yield AuditTable(id="audit")

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one("#audit").focus()

    def action_reload(self) -> None:
        pending = self.service.pending_cancellations()
        text = f"{len(pending)} cancellation(s) in flight: " + ", ".join(e.order_id for e in pending) if pending else "No cancellation in flight."
        self.query_one("#pending", Static).update(literal(text))
        self.entries = self.service.cancellation_history()
        self.query_one("#audit", AuditTable).fill([audit_row(entry) for entry in self.entries], [str(entry.id) for entry in self.entries])

    def action_open_order(self) -> None:
        table = self.query_one("#audit", AuditTable)
        if 0 <= table.cursor_row < len(self.entries):
            self.tui.open_details(self.entries[table.cursor_row].order_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_order()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.action_reload()
