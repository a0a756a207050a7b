"""Audit log: every cancellation step (who, when, order, reason, feed, outcome, Amazon's words)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from amazon_tui.domain import CancelReason
from amazon_tui.tui.format import clean, date, literal
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.screens.base import BaseScreen
from amazon_tui.tui.widgets.fitted_table import ColumnSpec, FittedTable


class AuditTable(FittedTable):
    """The trail's rows: when, outcome and order always whole; who, store, reason, message shrink."""

    SPECS = (
        ColumnSpec("time", "Time"),
        ColumnSpec("operator", "Operator", "shrink", least=6, short="By"),
        ColumnSpec("outcome", "Outcome"),
        ColumnSpec("order", "Order Number"),
        ColumnSpec("store", "Store", "shrink", least=6),
        ColumnSpec("reason", "Reason", "shrink", least=8),
        ColumnSpec("feed", "Feed", "drop"),
        ColumnSpec("message", "Message", "shrink", least=10),
    )


def reason_label(value: str | None) -> str:
    try:
        return CancelReason(value).label if value else "—"
    except ValueError:
        return value or "—"


class AuditScreen(BaseScreen):
    """The audit trail, newest first, and the cancellations still in flight."""

    HELP = "Every cancellation request and what Amazon answered. Pending rows resume by themselves."
    BINDINGS = [Binding("escape", "back", "Back", id="back"), Binding("r", "reload", "Reload", id="refresh")]

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
        entries = self.service.audit()
        rows = [{
            "time": Text(date(entry.time)), "operator": literal(entry.operator), "outcome": literal(entry.outcome),
            "order": literal(entry.order_id), "store": literal(entry.store), "reason": Text(clean(reason_label(entry.reason))),
            "feed": literal(entry.feed_id), "message": Text(" ".join(clean(entry.message or "").split())),
        } for entry in entries]
        self.query_one("#audit", AuditTable).fill(rows, [str(index) for index in range(len(rows))])

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.action_reload()
