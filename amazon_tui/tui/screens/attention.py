"""Attention (`!`): the orders that need action now, across the active stores, most urgent first."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from amazon_tui.domain.attention import BUYER_CANCEL, DUE, LATE, NOT_CONFIRMED, REFUND, AttentionItem
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.requests import OpenDetails, SyncNow
from amazon_tui.tui.screens.filtering import FilteringScreen
from amazon_tui.tui.screens.marking import CANCEL_TOOLTIP, MarkingScreen
from amazon_tui.tui.widgets.attention_table import AttentionTable
from amazon_tui.tui.widgets.row_filter import RowFilter

SHOWN = 40  # the most urgent orders listed without a filter (the summary counts them all)


def _searchable(item: AttentionItem) -> list[str]:
    order = item.order
    total = order.total.format() if order.total is not None else ""
    return [order.store, order.order_id, item.label, order.buyer_name or "", total, item.buyer_reason or ""]


class AttentionScreen(FilteringScreen, MarkingScreen):
    """The attention queue; it follows the background sync without a keypress."""

    HELP = (
        "Orders that need action now, across the active stores. First the buyers' cancellation requests, "
        "then late shipments (most overdue first), "
        "then shipments due within ui.due_soon_hours (least time left first). "
        "{quick-filter} filters the list (Enter keeps the filter, Escape clears it). "
        "{open} opens Amazon Order Details; "
        "{cancel-order} opens Cancel Order (for a buyer's request with Buyer Canceled chosen and "
        "the buyer's reason shown: you still confirm). "
        "{mark} marks an order, {mark-all} marks every cancelable one listed, {clear-marks} clears; "
        "{cancel-order} then cancels the marked orders: one feed per store. "
        "● marks a new or changed order until the cursor has been on it."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("c", "cancel_order", "Cancel", id="cancel-order", tooltip="Cancel Order: " + CANCEL_TOOLTIP),
        Binding(
            "r", "sync", "Sync", tooltip="fetch new and changed orders of every active store now", id="sync"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._summary_shown = ""
        self._items: list[AttentionItem] = []
        self._counts: Counter[str] = Counter()
        self._whole = False  # the whole queue is read (a filter is typed), not its most urgent

    def trail(self) -> list[str]:
        return ["Amazon Stores", "Attention"]

    def sync_scope(self) -> tuple[str, ...]:
        return ()

    def compose_body(self) -> ComposeResult:
        yield Static(id="attention-summary")
        yield RowFilter(
            "Filter: order number, store, buyer, why (late, due, cancel)",
            id="attention-filter",
            stores=[store.name for store in self.service.stores],
        )
        yield AttentionTable(id="attention")

    def on_mount(self) -> None:
        self.query_one(AttentionTable).focus()

    @property
    def table(self) -> AttentionTable:
        return self.query_one(AttentionTable)

    def reload(self) -> None:
        """Re-read the queue; nothing is repainted when no visible text changed.

        A big store's queue holds thousands of orders: the list reads the ``SHOWN`` most urgent
        (chosen in SQL) and the summary counts every one (covering indexes); the `/` filter
        searches the whole queue, read when a filter is typed.
        """
        self._whole = bool(self.row_filter.value.strip())
        self._items = self.service.attention(limit=None if self._whole else SHOWN)
        counts = self.service.attention_counts().values()
        self._counts = Counter(
            {
                REFUND: sum(item.kind == REFUND for item in self._items),  # listed first, all of them
                NOT_CONFIRMED: sum(item.kind == NOT_CONFIRMED for item in self._items),
                BUYER_CANCEL: sum(count.buyer_cancel for count in counts),
                LATE: sum(count.late for count in counts),
                DUE: sum(count.due_soon for count in counts),
            }
        )
        self.apply_filter()

    def apply_filter(self) -> None:
        """The queue's orders that match the `/` filter (all of them when it is empty)."""
        if self.row_filter.value.strip() and not self._whole:
            self.reload()  # the first filtered keystroke: search every order of the queue
            return
        shown = [
            item for item in self._items if self.row_filter.matches(_searchable(item), store=item.order.store)
        ]
        self.table.show_items(shown, self.service.clock())
        still = self.table.marked & {item.order.order_id for item in self._items}
        if still != self.table.marked:  # canceled or shipped meanwhile (a filtered-out mark stays)
            self.table.set_marked(still)
        self._show_summary()

    def marks_changed(self) -> None:
        self._show_summary()

    def _show_summary(self) -> None:
        summary = self._summary(self._counts)
        if len(self.table.items) != sum(self._counts.values()):
            summary.append(f"  ·  {len(self.table.items)} shown", style="bold")
        marks = self.marks_text()
        if marks:  # beside the counts when it fits, else on a line of its own
            beside = summary.cell_len + 5 + len(marks) + 2 <= (self.size.width or self.app.size.width)
            summary.append("  ·  " if beside else "\n", style="dim")
            summary.append(marks, style="bold #e5c07b")
        if summary.plain != self._summary_shown:
            self._summary_shown = summary.plain
            self.query_one("#attention-summary", Static).update(summary)

    def _summary(self, counts: Counter) -> Text:
        total = sum(counts.values())
        if not total:
            return Text(
                "Nothing needs attention: no late or due shipments, no buyer cancellation requests.",
                style="green",
            )
        text = Text(f"{total} need{'s' if total == 1 else ''} action: ", style="bold")
        hours = self.service.settings.config.ui.due_soon_hours
        parts = [(BUYER_CANCEL, "buyer asked to cancel"), (LATE, "late"), (DUE, f"due within {hours} h")]
        if counts[NOT_CONFIRMED]:
            parts.insert(1, (NOT_CONFIRMED, "shipped in Magento, not confirmed on Amazon"))
        if counts[REFUND]:
            parts.insert(0, (REFUND, "Magento refund failing"))
        for index, (kind, words) in enumerate(parts):
            if index:
                text.append(" · ", style="dim")
            text.append(f"{counts[kind]} {words}", style="" if counts[kind] else "dim")
        return text

    def action_open_details(self) -> None:
        item = self.table.current_item
        if item is not None:
            self.request(OpenDetails(item.order.order_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_details()

    def action_sync(self) -> None:
        self.request(SyncNow())

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.reload()

    def refresh_times(self) -> None:
        """After a poll that brought nothing: only "overdue 5 h" becoming "overdue 6 h" repaints."""
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()
