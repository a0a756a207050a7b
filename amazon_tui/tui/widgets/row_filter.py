"""`/` on a list that lives in memory (Attention, Audit log): keep the rows that match what is typed.

As in k9s: `/` opens the line, typing filters at once, Enter goes back to the list with the
filter kept, Escape clears it. Every word must appear somewhere in the row (any case).
"""

from __future__ import annotations

from collections.abc import Iterable

from amazon_tui.tui.widgets.filter_form import StillInput
from amazon_tui.tui.widgets.focus import focus_now


class RowFilter(StillInput):
    """A one-line filter; hidden until opened."""

    DEFAULT_CSS = """
    RowFilter { margin: 0 1; }
    """

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, compact=True, id=id)
        self.display = False

    def open(self) -> None:
        self.display = True
        focus_now(self)

    def close(self) -> None:
        """Clear and hide (Escape)."""
        self.value = ""
        self.display = False

    def matches(self, texts: Iterable[str]) -> bool:
        """Whether every typed word is in one of ``texts`` (case-insensitive)."""
        words = self.value.casefold().split()
        if not words:
            return True
        haystack = "\n".join(texts).casefold()
        return all(word in haystack for word in words)
