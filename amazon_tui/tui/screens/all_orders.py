"""All Amazon Orders: filters, chips, sorting over all matches (SQL), paging, bulk marks."""

from __future__ import annotations

from math import ceil

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from amazon_tui.domain.models import OrderQuery, OrderSummary
from amazon_tui.domain.values import SortField
from amazon_tui.local.preferences import ignored
from amazon_tui.tui.messages import OrdersChanged
from amazon_tui.tui.requests import OpenDetails, OpenOrder, SyncNow
from amazon_tui.tui.screens.marking import CANCEL_TOOLTIP, MarkingScreen
from amazon_tui.tui.widgets.filter_chips import FilterChips, without
from amazon_tui.tui.widgets.filter_form import FilterForm, StillInput
from amazon_tui.tui.widgets.focus import focus_now
from amazon_tui.tui.widgets.order_table import COLUMNS, OrderTable

PAGE_SIZE = 100
SORT_LABELS = dict(COLUMNS)


class AllOrdersScreen(MarkingScreen):
    """The store's order grid (View All Amazon Orders)."""

    HELP = (
        "Every order of the store, sorted and filtered in the local database (all pages). "
        "{sort} sorts by the next column, {reverse-sort} reverses it; {next-page}/{prev-page} turn the page. "
        "{mark} marks an Unshipped order (and moves down), "
        "{mark-all} marks every cancelable order the filters match (all pages), "
        "{clear-marks} clears the marks; {cancel-order} cancels the marked ones in one feed. "
        "ASC's Completed status is Magento's name for Shipped: filter Shipped."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("enter", "open_order", "Open", show=False, id="open"),
        Binding("o", "open_amazon", "Details", tooltip="View or Cancel Amazon Order", id="open-amazon"),
        Binding("slash", "quick_filter", "Filter", id="quick-filter"),
        Binding("f", "toggle_filters", "Filters", id="filters"),
        Binding(
            "x",
            "pick_chip",
            "Drop a filter",
            show=False,
            id="drop-filter",
            tooltip="focus the filter chips: ←/→ pick, Enter or x drops",
        ),
        Binding("c", "cancel_order", "Cancel", id="cancel-order", tooltip=CANCEL_TOOLTIP),
        Binding("n,right_square_bracket", "page(1)", "Next page", show=False, id="next-page"),
        Binding("p,left_square_bracket", "page(-1)", "Previous page", show=False, id="prev-page"),
        Binding("s", "cycle_sort", "Sort", show=False, id="sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="reverse-sort"),
        Binding("r", "sync", "Sync", show=False, id="sync"),
    ]

    def __init__(self, store: str) -> None:
        super().__init__()
        self.store = store
        self.query_state = OrderQuery(stores=(store,))
        self.page = 0
        self.total = 0
        self._restore_row: str | None = None  # the row to put the cursor on at the first load
        self._row: str | None = None  # the order under the cursor (saved with the view)

    def trail(self) -> list[str]:
        return ["Amazon Stores", self.store, "All Amazon Orders"]

    def sync_scope(self) -> tuple[str, ...]:
        return (self.store,)

    def action_sync(self) -> None:
        self.request(SyncNow((self.store,)))

    def compose_body(self) -> ComposeResult:
        # The filter form (15 fields) is built the first time `f` opens it: a third of the screen's cost.
        yield StillInput(
            placeholder="Quick filter: order number, buyer's name or notes", id="quick", compact=True
        )
        yield FilterChips(id="chips")
        yield OrderTable(id="orders")
        yield Static(id="pager")

    def on_mount(self) -> None:
        self._restore_view()
        self.query_one("#orders", OrderTable).focus()

    def _restore_view(self) -> None:
        """Filters, sort, page and row as this store's All Orders was left (preferences)."""
        preferences = self.service.preferences
        view = preferences.orders_view(self.store)
        quick = self.query_one("#quick", Input)
        if view is not None:
            try:
                self.query_state = OrderQuery.model_validate({**view.query, "stores": (self.store,)})
            except ValidationError as exc:  # written by another version, or by hand: start afresh
                where = f" of All Amazon Orders in {self.store}"
                self.notify(preferences.notice([ignored(exc, where)]), severity="warning", timeout=8)
                view = None
        if view is not None:
            self.page = view.page
            self._restore_row = view.order_id
            quick.value = self.query_state.quick or ""
        quick.display = bool(self.query_state.quick)

    def _save_view(self) -> None:
        from amazon_tui.local.preferences import OrdersView

        query = self.query_state.model_dump(mode="json", exclude={"stores"})
        self.service.preferences.set_orders_view(
            self.store, OrdersView(query=query, page=self.page, order_id=self._row)
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        current = self.table.current
        self._row = current.order_id if current else None

    def on_screen_suspend(self) -> None:
        self._save_view()

    def on_unmount(self) -> None:  # Textual runs BaseScreen.on_unmount too
        self._save_view()

    def on_screen_resume(self) -> None:
        self.load()

    @property
    def table(self) -> OrderTable:
        return self.query_one("#orders", OrderTable)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / PAGE_SIZE))

    def load(self, *, keep: str | None = None) -> None:
        """Count and fetch one page from SQL; sorting covers every matching order."""
        self.total = self.service.count(self.query_state)
        self.page = min(self.page, self.pages - 1)
        rows = self.service.orders(self.query_state, limit=PAGE_SIZE, offset=self.page * PAGE_SIZE)
        table = self.table
        table.sorted_by = (self.query_state.sort, self.query_state.descending)
        current = table.current
        keep = keep or self._restore_row or (current.order_id if current else None)
        self._restore_row = None
        table.show(rows, keep=keep)
        self._show_pager()
        self.query_one(FilterChips).show(self.query_state)

    def _show_pager(self) -> None:
        direction = "▼" if self.query_state.descending else "▲"
        text = Text.assemble(
            (f"page {self.page + 1} of {self.pages}", "bold"),
            f" · {self.total:,} orders · sorted by {SORT_LABELS[self.query_state.sort]} {direction}",
        )
        if self.table.marked:
            text.append(f" · {self.marks_text()}", style="bold #e5c07b")
        self.query_one("#pager", Static).update(text)

    def set_query(self, query: OrderQuery) -> None:
        self.query_state = query
        self.page = 0
        self.load()

    # -- filters, sort, paging ----------------------------------------------------------------

    @property
    def form(self) -> FilterForm | None:
        """The filter form, once `f` has opened it."""
        forms = self.query(FilterForm)
        return forms.first() if forms else None

    def on_filter_form_applied(self, message: FilterForm.Applied) -> None:
        if self.form is not None:
            self.form.display = False
        self.set_query(message.query.model_copy(update={"quick": self.query_state.quick}))
        focus_now(self.table)

    async def on_filter_chips_removed(self, message: FilterChips.Removed) -> None:
        """The filter goes; the chips keep the focus (the next one, or the empty row), so that
        Escape returns to the list and only the Escape after it leaves: one step per Escape."""
        self.set_query(without(self.query_state, message.field))
        if message.field in (None, "quick"):
            quick = self.query_one("#quick", Input)
            quick.value = ""
            quick.display = False
        self._reset_form()
        await self.query_one(FilterChips).pick(message.index)

    def _reset_form(self) -> None:
        if self.form is not None:
            self.form.load(self.query_state)

    async def action_toggle_filters(self) -> None:
        form = self.form
        if form is None:
            form = FilterForm(self.query_state, id="filter-form")
            await self.mount(form, before="#quick")
        else:
            form.display = not form.display
        if form.display:
            form.query_one(Input).focus()
        else:
            focus_now(self.table)

    def action_pick_chip(self) -> None:
        if not self.query_one(FilterChips).focus_first():
            self.notify("No filters to drop.", timeout=2)

    def action_quick_filter(self) -> None:
        quick = self.query_one("#quick", Input)
        quick.display = True
        focus_now(quick)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "quick" and (event.value.strip() or None) != self.query_state.quick:
            self.query_state = self.query_state.model_copy(update={"quick": event.value.strip() or None})
            self.page = 0
            self.load()

    def clear_quick(self) -> None:
        quick = self.query_one("#quick", Input)
        quick.value = ""  # its Changed finds the query already without it
        quick.display = False
        if self.query_state.quick is not None:
            self.set_query(self.query_state.model_copy(update={"quick": None}))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "quick":
            focus_now(self.table)

    def action_back(self) -> None:
        """One step per Escape: the quick filter is cleared (as in Attention and the Audit log),
        the chips or the form return to the list; from the list, back."""
        focused = self.focused
        if focused is not None and any(isinstance(node, FilterChips) for node in focused.ancestors_with_self):
            focus_now(self.table)
            return
        if focused is self.query_one("#quick", Input):
            self.clear_quick()
            focus_now(self.table)
            return
        if isinstance(focused, Input) or (
            focused is not None and any(isinstance(node, FilterForm) for node in focused.ancestors)
        ):
            if self.form is not None:
                self.form.display = False
            if not self.query_state.quick:
                self.query_one("#quick").display = False
            focus_now(self.table)
            return
        super().action_back()

    def action_page(self, step: int) -> None:
        page = min(max(0, self.page + step), self.pages - 1)
        if page != self.page:
            self.page = page
            self.load()
            self.table.move_cursor(row=0)

    def on_order_table_sort_requested(self, message: OrderTable.SortRequested) -> None:
        same = message.field is self.query_state.sort
        self.set_query(
            self.query_state.model_copy(
                update={
                    "sort": message.field,
                    "descending": not self.query_state.descending if same else True,
                }
            )
        )

    def action_cycle_sort(self) -> None:
        fields = list(SortField)
        field = fields[(fields.index(self.query_state.sort) + 1) % len(fields)]
        self.set_query(self.query_state.model_copy(update={"sort": field, "descending": True}))

    def action_reverse_sort(self) -> None:
        self.set_query(self.query_state.model_copy(update={"descending": not self.query_state.descending}))

    # -- opening and canceling ----------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.request(OpenOrder(str(event.row_key.value)))

    def action_open_order(self) -> None:
        if self.table.current is not None:
            self.request(OpenOrder(self.table.current.order_id))

    def action_open_amazon(self) -> None:
        if self.table.current is not None:
            self.request(OpenDetails(self.table.current.order_id))

    def mark_scope(self) -> list[OrderSummary]:
        """Every order the filters match, on every page."""
        return self.service.orders(self.query_state, limit=max(1, self.total), offset=0)

    def marks_changed(self) -> None:
        self._show_pager()

    def _marks_sent(self) -> None:
        super()._marks_sent()
        self.load()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.load()
