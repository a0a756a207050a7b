"""Rows of labelled values: a table when every value fits, else one stacked record per row.

Order Items and Tracking have up to twelve fields per row; at 80 columns a table would drop
or cut most of them (ASIN, SKU, prices). ``Records`` measures its rows against its own width
on every render: when all columns fit unshortened it draws a table, otherwise each row
becomes a record of ``label  value`` lines (as k9s's describe), two label/value pairs to a
line when they fit, one otherwise. Nothing is ever cut: long values wrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

GAP = 2  # columns between table columns and between the two pairs of a record line


@dataclass(frozen=True)
class Column:
    """A field: its label, whether it is right-aligned (money, counts) and whether it heads a record."""

    label: str
    right: bool = False
    heading: bool = False  # the record's first, full-width line (a title)


def table_width(columns: Sequence[Column], rows: Sequence[Sequence[Text]]) -> int:
    """Width of a table showing every header and value unshortened."""
    widths = [len(column.label) for column in columns]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(
                widths[index], max((Text(line).cell_len for line in cell.plain.splitlines()), default=0)
            )
    return sum(widths) + GAP * (len(columns) - 1)


class Records(Widget):
    """Rows shown as a table at widths where it fits, as stacked records below."""

    DEFAULT_CSS = """
    Records { height: auto; padding: 0 1; }
    """

    def __init__(self, columns: Sequence[Column], *, noun: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.noun = noun  # "Item", "Package": the record heading's word
        self.rows: list[tuple[Text, ...]] = []
        self.empty: Text = Text("")

    def show(self, rows: Sequence[Sequence[Text]], *, empty: Text) -> None:
        """Replace the rows (each a value per column); ``empty`` is shown when there are none."""
        self.rows = [tuple(row) for row in rows]
        self.empty = empty
        self.refresh(layout=True)

    @property
    def stacked(self) -> bool:
        """Whether the rows are drawn as records (the table does not fit the width)."""
        width = self.content_size.width or 80
        return table_width(self.columns, self.rows) > width

    def render(self) -> RenderableType:
        if not self.rows:
            return self.empty
        return self._records() if self.stacked else self._table()

    def _table(self) -> Table:
        table = Table(
            box=None,
            padding=(0, GAP, 0, 0),
            pad_edge=False,
            show_header=True,
            header_style="bold",
            expand=False,
        )
        for column in self.columns:
            table.add_column(column.label, justify="right" if column.right else "left", no_wrap=True)
        for row in self.rows:
            table.add_row(*row)
        return table

    def _records(self) -> Group:
        width = self.content_size.width or 80
        label_width = max(len(column.label) for column in self.columns)
        plain = [(column, index) for index, column in enumerate(self.columns) if not column.heading]
        value_width = max((row[index].cell_len for row in self.rows for _, index in plain), default=1)
        pairs = 2 if 2 * (label_width + 1 + value_width) + GAP <= width else 1
        parts: list[RenderableType] = []
        for number, row in enumerate(self.rows, 1):
            heading = Text(f"{self.noun} {number} of {len(self.rows)}", style="bold reverse")
            parts.append(heading)
            grid = Table.grid(padding=(0, 1))
            for pair in range(pairs):
                grid.add_column(width=label_width, style="dim", no_wrap=True)
                if pairs == 1:
                    grid.add_column(ratio=1, overflow="fold")
                else:  # the first pair's values are padded to the gap before the second pair
                    grid.add_column(width=value_width + (GAP - 1 if pair == 0 else 0), overflow="fold")
            headed = [(column, row[index]) for index, column in enumerate(self.columns) if column.heading]
            for column, value in headed:
                full = Table.grid(padding=(0, 1))
                full.add_column(width=label_width, style="dim", no_wrap=True)
                full.add_column(ratio=1, overflow="fold")
                full.add_row(column.label, value)
                parts.append(full)
            cells = [(column.label, row[index]) for column, index in plain]
            for start in range(0, len(cells), pairs):
                line: list[Text | str] = []
                for label, value in cells[start : start + pairs]:
                    line += [label, value]
                line += [""] * (2 * pairs - len(line))
                grid.add_row(*line)
            parts.append(grid)
            parts.append(Text(""))
        return Group(*parts[:-1])
