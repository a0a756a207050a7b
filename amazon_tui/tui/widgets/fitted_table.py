"""Column widths that fit a table to its own width by priority, never cutting what must stay.

One planner for the app's tables (``plan_widths``). Each column has a role: ``keep`` columns
(order number, ship-by, money) get the width of their values, whatever the terminal; ``drop``
columns (purchase date, store) are shown only when there is room for them and for the least of
the ``shrink`` columns; ``shrink`` columns (status, buyer, notes) share what is left and end
with an ellipsis when cut.

Widths come from rules, not from the rows of the page, so they do not jump between pages:
a keep column is planned from ``floors`` (the width its values take by their format: an order
number is 19 wide) and widened only by a value that exceeds it; a shrink column with a ``fair``
width gets its least, then (by ``rank``) up to its fair width, then up to its ``most`` (no
``most``: every spare column, so a wide terminal leaves none unused). A shrink column without
``fair`` is planned from the page's values (up to the widest). Widths are recomputed from the
table's own width (not the terminal's) on every resize, with a column always kept for the
vertical scrollbar, so an opened filter or a scrollbar never clips a cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

Role = Literal["keep", "shrink", "drop"]
SCROLLBAR = 1


@dataclass(frozen=True)
class ColumnSpec:
    """One column: key, header label, role, narrowest useful width of a shrinking column.

    ``short``: the header when the column is narrower than ``label`` ("Notes" for "Order Notes").
    ``fair``/``most``/``rank`` (shrink columns): planned by rule, not from the page (module doc).
    Widths here exclude the one-column gap.
    """

    key: str
    label: str
    role: Role = "keep"
    least: int = 8
    right: bool = False
    short: str | None = None
    fair: int | None = None
    most: int | None = None
    rank: int = 0

    def header(self, width: int, label: str | None = None) -> str:
        """The header text for a column ``width`` wide (its gap included)."""
        text = label or self.label
        return self.short if self.short and len(text) > width - 1 else text


def plan_widths(
    specs: Sequence[ColumnSpec],
    natural: Mapping[str, int],
    width: int,
    floors: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Width of each shown column (its one-column gap included); dropped columns are absent.

    ``natural``: the widest value of each column on the page; ``floors``: the width a column's
    values take by rule (its format), planned from whatever the page holds. Keep columns are
    never narrower than their values and label; the result never exceeds ``width`` unless the
    keep columns alone do.
    """
    floors = floors or {}
    wanted = {
        spec.key: max(natural.get(spec.key, 0), floors.get(spec.key, 0), len(spec.label)) + 1
        for spec in specs
    }
    widths = {spec.key: wanted[spec.key] for spec in specs if spec.role == "keep"}
    room = width - sum(widths.values())
    shrink = [spec for spec in specs if spec.role == "shrink"]
    least = {
        spec.key: spec.least + 1 if spec.fair is not None else min(wanted[spec.key], spec.least + 1)
        for spec in shrink
    }
    for spec in specs:
        if spec.role == "drop" and room - wanted[spec.key] >= sum(least.values()):
            widths[spec.key] = wanted[spec.key]
            room -= wanted[spec.key]
    ruled = sorted((spec for spec in shrink if spec.fair is not None), key=lambda spec: spec.rank)
    most = {
        spec.key: (spec.most + 1 if spec.most is not None else max(room, 0) + 1)
        if spec.fair is not None
        else wanted[spec.key]
        for spec in shrink
    }
    shares = _share(room, least, most, [(spec.key, spec.fair + 1) for spec in ruled if spec.fair is not None])
    widths.update({key: share for key, share in shares.items() if share >= 2})
    return {spec.key: widths[spec.key] for spec in specs if spec.key in widths}


def _share(
    room: int, least: dict[str, int], most: dict[str, int], fair: Sequence[tuple[str, int]] = ()
) -> dict[str, int]:
    """Split ``room`` between shrinking columns: each its least first, then the ``fair`` widths in
    their order, then evenly up to each one's most."""
    if not least:
        return {}
    if room < sum(least.values()):
        each = max(room, 0) // len(least)
        return {key: min(each, least[key]) for key in least}
    shares = dict(least)
    room -= sum(least.values())
    for key, target in fair:
        give = max(0, min(target, most[key]) - shares[key])
        give = min(give, room)
        shares[key] += give
        room -= give
    while room > 0:
        hungry = [key for key in shares if shares[key] < most[key]]
        if not hungry:
            break
        step = max(room // len(hungry), 1)
        for key in hungry:
            give = min(step, most[key] - shares[key], room)
            shares[key] += give
            room -= give
    return shares


def fit_cell(text: Text | str, width: int, *, right: bool = False) -> Text:
    """A cell exactly ``width`` wide with a one-column gap; cut text ends with an ellipsis."""
    cell = text.copy() if isinstance(text, Text) else Text(text)
    cell.no_wrap = True
    cell.truncate(width - 1, overflow="ellipsis")
    if right:
        cell.pad_left(width - 1 - cell.cell_len)
    cell.pad_right(width - 1 - cell.cell_len)
    cell.append(" ")
    return cell


class FittedTable(DataTable):
    """A DataTable whose columns follow ``SPECS`` and are fitted to its own width.

    Subclasses give ``SPECS``; ``fill(rows, keys)`` shows rows of unshortened cells (by
    column key). The rows are fitted again whenever the table's width changes.
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("g", "scroll_top", "First row", show=False, id="first"),
        Binding("G", "scroll_bottom", "Last row", show=False, id="last"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="page-down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="page-up"),
        Binding("h", "cursor_left", "Scroll left", show=False, id="scroll-left"),
        Binding("l", "cursor_right", "Scroll right", show=False, id="scroll-right"),
    ]
    DEFAULT_CSS = """
    FittedTable { height: 1fr; scrollbar-size-vertical: 1; }
    """
    SPECS: tuple[ColumnSpec, ...] = ()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", cell_padding=0, zebra_stripes=True)
        self._cells: list[dict[str, Text]] = []
        self._keys: list[str] = []
        self._widths: dict[str, int] = {}
        self._planned_for = 0

    @property
    def room(self) -> int:
        """Columns the cells may use: the table's width less the vertical scrollbar's."""
        width = self.size.width or (self.app.size.width if self.is_attached else 80)
        return width - SCROLLBAR

    def header_label(self, spec: ColumnSpec) -> str:
        return spec.label

    def floors(self) -> dict[str, int]:
        """The width each column's values take by rule (their format), whatever the page holds."""
        return {}

    def fill(self, rows: Sequence[dict[str, Text]], keys: Sequence[str]) -> None:
        """Replace the rows (unshortened cells by column key), each with its row key."""
        self._cells, self._keys = list(rows), list(keys)
        natural = {
            spec.key: max((row[spec.key].cell_len for row in self._cells), default=0) for spec in self.SPECS
        }
        self._planned_for = self.room
        self._widths = plan_widths(self.SPECS, natural, self._planned_for, self.floors())
        self.clear(columns=True)
        for spec in self.SPECS:
            if spec.key in self._widths:
                width = self._widths[spec.key]
                header = fit_cell(
                    Text(spec.header(width, self.header_label(spec)), style="bold"), width, right=spec.right
                )
                self.add_column(header, width=width, key=spec.key)
        for key, row in zip(self._keys, self._cells, strict=False):
            self.add_row(
                *[
                    fit_cell(row[spec.key], self._widths[spec.key], right=spec.right)
                    for spec in self.SPECS
                    if spec.key in self._widths
                ],
                key=key,
            )

    def fitted(self, key: str, cell: Text) -> Text:
        """``cell`` fitted to the column ``key`` (for ``update_cell``)."""
        spec = next(spec for spec in self.SPECS if spec.key == key)
        return fit_cell(cell, self._widths[key], right=spec.right)

    def on_resize(self) -> None:
        """Another width: fit the columns again, the cursor staying on its row."""
        if self._cells and self.room != self._planned_for:
            self.refit()

    def refit(self) -> None:
        row = self.cursor_row
        self.fill(self._cells, self._keys)
        if 0 <= row < len(self._keys):
            self.move_cursor(row=row)
