"""Marks on an order list (Recent Orders, All Amazon Orders, Attention) and the bulk cancel.

space marks or unmarks the order under the cursor and moves down; `*` marks every cancelable
order of the list (on All Amazon Orders: of every page the filters match); `u` clears the marks.
`c` opens Cancel Order for the marked orders, or for the order under the cursor when none is
marked. The marked orders of one store go to Amazon as one feed. Only orders the app would
cancel can be marked; the rest say why not.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding

from amazon_tui.domain.models import OrderSummary
from amazon_tui.tui.refusals import explain_refusal
from amazon_tui.tui.requests import CancelOrders
from amazon_tui.tui.screens.base import BaseScreen
from amazon_tui.tui.widgets.order_table import OrderTable

CANCEL_TOOLTIP = "the marked orders (one feed per store), else the order under the cursor"


class MarkingScreen(BaseScreen):
    """A screen whose ``table`` is an ``OrderTable``; subclasses show ``marks_text()`` in their header
    and bind `c` to ``cancel_order`` (with the id ``cancel-order``)."""

    BINDINGS = [
        Binding(
            "space",
            "mark",
            "Mark",
            show=False,
            id="mark",
            tooltip="mark or unmark the order, then the next row",
        ),
        Binding(
            "asterisk",
            "mark_all",
            "Mark all",
            show=False,
            id="mark-all",
            tooltip="every cancelable order of the list",
        ),
        Binding("u", "clear_marks", "Clear marks", show=False, id="clear-marks"),
    ]  # and each screen binds c to cancel_order where its footer wants it

    @property
    def table(self) -> OrderTable:
        raise NotImplementedError

    def mark_scope(self) -> Sequence[OrderSummary]:
        """The orders `*` marks: the list as filtered (by default the rows shown)."""
        return self.table.rows_shown

    def marks_changed(self) -> None:
        """The marks changed: show the count (subclasses put ``marks_text()`` in their header)."""

    def marks_text(self) -> str:
        count = len(self.table.marked)
        key = self.key_for("cancel_order") or "c"
        return f"{count} marked ({key}: cancel {'it' if count == 1 else 'them'})" if count else ""

    def _refusal(self, order_id: str) -> str | None:
        order = self.service.cached_order(order_id)
        if order is None:
            return "the order is not in the local store."
        refusal = self.service.cancel_refusal(order)
        return refusal.reason if refusal is not None else None

    def action_mark(self) -> None:
        current = self.table.current
        if current is None:
            return
        if current.order_id not in self.table.marked:
            refusal = self._refusal(current.order_id)
            if refusal is not None:
                self.notify(
                    f"{current.order_id} cannot be marked: {refusal}", severity="warning", markup=False
                )
                return
        self.table.toggle_mark()
        self.table.action_cursor_down()
        self.marks_changed()

    def action_mark_all(self) -> None:
        scope = list(self.mark_scope())
        cancelable = [
            summary.order_id
            for summary in scope
            if summary.cancelable_hint and self._refusal(summary.order_id) is None
        ]
        self.table.set_marked(set(self.table.marked) | set(cancelable))
        skipped = len(scope) - len(cancelable)
        if skipped:
            self.notify(
                f"Marked {len(cancelable)}; {skipped} cannot be canceled here "
                "(not Unshipped, or Amazon-fulfilled).",
                timeout=4,
            )
        self.marks_changed()

    def action_clear_marks(self) -> None:
        if self.table.marked:
            self.table.set_marked(())
            self.marks_changed()

    def action_cancel_order(self) -> None:
        """Cancel Order for the marked orders, else for the order under the cursor."""
        marked = sorted(self.table.marked)
        if marked:
            self.request(CancelOrders(tuple(marked), on_done=self._marks_sent))
            return
        current = self.table.current
        if current is None:
            return
        refusal = self._refusal(current.order_id)
        if refusal is not None:
            explain_refusal(self.app, self.service, current.order_id, current.store, refusal)
            return
        self.request(CancelOrders((current.order_id,)))

    def _marks_sent(self) -> None:
        self.table.set_marked(())
        self.marks_changed()
