"""The `/` filter of a screen whose list lives in memory (Attention, Audit log)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable, Input

from amazon_tui.tui.screens.base import BaseScreen
from amazon_tui.tui.widgets.focus import focus_now
from amazon_tui.tui.widgets.row_filter import RowFilter


class FilteringScreen(BaseScreen):
    """Subclasses compose a ``RowFilter`` above their table and re-filter in ``apply_filter``."""

    BINDINGS = [Binding("slash", "quick_filter", "Filter", id="quick-filter")]

    @property
    def row_filter(self) -> RowFilter:
        return self.query_one(RowFilter)

    def list_view(self) -> DataTable:
        return self.query_one(DataTable)

    def apply_filter(self) -> None:
        """Show the rows that match the filter (subclasses)."""

    def action_quick_filter(self) -> None:
        self.row_filter.open()

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, RowFilter):
            self.apply_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, RowFilter):
            if not event.value.strip():
                event.input.close()
            focus_now(self.list_view())

    def action_back(self) -> None:
        """Escape in the filter clears it and returns to the list; elsewhere it goes back."""
        if isinstance(self.focused, RowFilter):
            self.row_filter.close()
            self.apply_filter()
            focus_now(self.list_view())
            return
        super().action_back()
