"""The title line of Amazon Order Details: the page's ASC title, order number, status, store.

One line when it fits; otherwise the title keeps the first line and the order number, status
and store the second. The store name is the one part that shrinks (with an ellipsis).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from amazon_tui.domain.text import safe_text

TITLE = "Amazon Order Details"
GAP = "  "
STORE_AT_LEAST = 8  # columns of the store name kept on the single line before it splits


class DetailsHeader(Widget):
    """ "Amazon Order Details  114-…  ● Unshipped  Acme US"."""

    DEFAULT_CSS = """
    DetailsHeader { height: auto; padding: 0 1; background: $boost; }
    """

    def __init__(self, order_id: str, store: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.order_id = order_id
        self.store = store
        self.status: Text = Text("loading…", style="dim")

    def show(self, status: Text) -> None:
        self.status = status
        self.refresh(layout=True)

    def render(self) -> Text:
        width = self.content_size.width or 78
        store = safe_text(self.store)
        fixed = Text(no_wrap=True, overflow="ellipsis")
        fixed.append(safe_text(self.order_id), style="bold")
        fixed.append(GAP)
        fixed.append_text(self.status)
        fixed.append(GAP)
        one_line = Text(TITLE, style="bold", no_wrap=True, overflow="ellipsis")
        one_line.append(GAP)
        one_line.append_text(fixed)
        if one_line.cell_len + min(len(store), STORE_AT_LEAST) <= width:
            return self._with_store(one_line, store, width)
        two_lines = Text(TITLE, style="bold", no_wrap=True, overflow="ellipsis")
        two_lines.append("\n")
        two_lines.append_text(self._with_store(fixed, store, width))
        return two_lines

    @staticmethod
    def _with_store(line: Text, store: str, width: int) -> Text:
        """``line`` followed by the store name, cut with an ellipsis to end at ``width``."""
        name = Text(store, style="dim")
        name.truncate(max(width - line.cell_len, 1), overflow="ellipsis")
        line.append_text(name)
        return line
