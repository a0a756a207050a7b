"""Label/value sections (order details, Magento view) rendered as Rich grids of Text."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

Field = tuple[str, "Text | str"]


def grid(fields: Sequence[Field], label_width: int = 22) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=label_width, style="dim", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for label, value in fields:
        table.add_row(label, value if isinstance(value, Text) else Text(str(value)))
    return table


class FieldSection(Static):
    """A titled block of label/value rows."""

    DEFAULT_CSS = """
    FieldSection { height: auto; padding: 0 1; margin-bottom: 1; }
    """

    def __init__(
        self, title: str, fields: Sequence[Field] = (), *, label_width: int = 22, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.title = title
        self.label_width = label_width
        self.show(fields)

    def show(self, fields: Sequence[Field]) -> None:
        self.update(Group(Text(self.title, style="bold underline"), grid(fields, self.label_width)))
