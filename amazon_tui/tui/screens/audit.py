"""Audit log: every cancellation step (who, when, order, reason, feed, outcome, Amazon's words)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from amazon_tui.domain import CancelReason
from amazon_tui.tui.format import date, literal
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.screens.base import BaseScreen

COLUMNS = ("Time", "Operator", "Outcome", "Order Number", "Store", "Reason", "Feed", "Message")


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
        yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#audit", DataTable).add_columns(*COLUMNS)
        self.action_reload()
        self.query_one("#audit").focus()

    def action_reload(self) -> None:
        pending = self.service.pending_cancellations()
        text = f"{len(pending)} cancellation(s) in flight: " + ", ".join(e.order_id for e in pending) if pending else "No cancellation in flight."
        self.query_one("#pending", Static).update(literal(text))
        table = self.query_one("#audit", DataTable)
        table.clear()
        for entry in self.service.audit():
            table.add_row(
                date(entry.time), literal(entry.operator), literal(entry.outcome), literal(entry.order_id), literal(entry.store),
                reason_label(entry.reason), literal(entry.feed_id), literal(entry.message),
            )

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.action_reload()
