"""The top bar of every screen: where you are (store › order) and SANDBOX / READ-ONLY badges."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from amazon_tui.domain.text import safe_text


class Breadcrumb(Static):
    """One line: "Amazon Stores › Acme US › 111-…" and the run's badges on the right."""

    DEFAULT_CSS = """
    Breadcrumb { height: 1; width: 1fr; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, trail: Sequence[str], *, sandbox: bool, read_only: bool) -> None:
        super().__init__()
        self.trail = list(trail)
        self.sandbox = sandbox
        self.read_only = read_only

    def set_trail(self, trail: Sequence[str]) -> None:
        self.trail = list(trail)
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, part in enumerate(self.trail):
            if index:
                text.append(" › ", style="dim")
            text.append(safe_text(part), style="bold" if index == len(self.trail) - 1 else "")
        badges = Text()
        if self.read_only:
            badges.append(" READ-ONLY ", style="bold black on #e5c07b")
        if self.sandbox:
            badges.append(" ")
            badges.append(" SANDBOX ", style="bold white on #b03a2e")
        width = self.size.width - 2 if self.size.width else 78
        if badges:
            text.truncate(max(10, width - badges.cell_len), overflow="ellipsis")
            text.pad_right(max(0, width - badges.cell_len - text.cell_len))
            text.append_text(badges)
        return text
