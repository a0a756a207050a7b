"""What every screen uses to say that an operation failed: one line, its cause, the retry key.

``ErrorLine`` sits above the footer: "⚠ Sync of Acme US: Amazon searchOrders failed: 500 … ·
e: cause — press r to retry". The cause is shortened (ellipsis) so the keys always show, at 80
columns or fewer; `e` opens the whole cause (``core/causes.py``).
``TooSmall`` replaces a screen whose terminal is below the minimum size.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from amazon_tui.domain.secrets import redact
from amazon_tui.domain.text import safe_text

if TYPE_CHECKING:
    from amazon_tui.core.causes import Cause

MIN_WIDTH, MIN_HEIGHT = 72, 16  # the smallest at which every screen is complete (tests/tui/test_80x24.py)


class ErrorLine(Widget):
    """One line: what failed, the one-line cause, and the key that retries it."""

    DEFAULT_CSS = """
    ErrorLine { height: 1; padding: 0 1; background: $error 25%; color: $text; display: none; }
    """

    def __init__(self, *, id: str | None = "error-line") -> None:
        super().__init__(id=id)
        self.what = ""
        self.cause = ""
        self.key: str | None = None
        self.details: Cause | None = None  # the whole cause (`e`)
        self.details_key: str | None = None

    @property
    def message(self) -> str:
        """The whole line, unshortened (what tests and screen readers get)."""
        if not self.what:
            return ""
        return f"⚠ {self.what}: {self.cause}{self.hint}"

    @property
    def hint(self) -> str:
        more = f" · {self.details_key}: cause" if self.details_key else ""
        return more + (f" — press {self.key} to retry" if self.key else "")

    def show(
        self, what: str, cause: object, key: str | None, *, when: datetime, details_key: str | None = None
    ) -> None:
        self.what = safe_text(what)
        self.cause = " ".join(safe_text(redact(str(cause or "unknown error"))).split()) or "unknown error"
        self.key = key
        from amazon_tui.core.causes import cause_of  # the first failure loads it, not the first paint

        self.details = cause_of(what, cause or "unknown error", when)
        self.details_key = details_key
        self.display = True
        self.refresh()

    def clear(self) -> None:
        if self.what:
            self.what, self.cause, self.key, self.details = "", "", None, None
            self.display = False

    def render(self) -> Text:
        head = f"⚠ {self.what}: {self.cause}"
        width = self.content_size.width or len(head) + len(self.hint)
        room = max(width - len(self.hint), 8)
        if len(head) > room:
            head = head[: room - 1] + "…"
        line = Text(head, style="bold", no_wrap=True, overflow="ellipsis")
        line.append(self.hint)
        return line


class TooSmall(Static):
    """Shown instead of the screen's content while the terminal is below the minimum size."""

    DEFAULT_CSS = """
    TooSmall { display: none; width: 1fr; height: 1fr; content-align: center middle; text-align: center; }
    """

    def __init__(self) -> None:
        super().__init__(id="too-small", markup=False)

    def show_size(self, width: int, height: int) -> None:
        self.update(
            f"Terminal too small: {width}×{height}.\n"
            f"amazon-tui needs at least {MIN_WIDTH}×{MIN_HEIGHT} (80×24 recommended).\n"
            "Enlarge the window; q quits."
        )
