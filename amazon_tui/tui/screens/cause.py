"""`e`: the whole cause of the failure shown in one line (``core/causes.py``)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from amazon_tui.core.causes import Cause
from amazon_tui.tui.size_gate import SizeGated
from amazon_tui.tui.widgets.error_line import TooSmall
from amazon_tui.tui.widgets.scroll import KeyScroll


def cause_table(cause: Cause) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")  # ids and URLs wrap, never cut
    for label, value in cause.fields():
        table.add_row(label, Text(value))
    return table


class CauseScreen(SizeGated, ModalScreen[None]):
    """The failure, label: value, every line whole; y copies it all."""

    BINDINGS = [
        Binding("escape,e,q", "dismiss", "Close", id="close-cause"),
        Binding("y", "copy", "Copy", id="copy-cause"),
    ]
    DEFAULT_CSS = """
    CauseScreen { align: center middle; }
    CauseScreen.-too-small > #cause-dialog { display: none; }
    CauseScreen.-too-small > TooSmall { display: block; }
    #cause-dialog {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    #cause-dialog KeyScroll { height: auto; max-height: 30; }
    #cause-title { text-style: bold; height: 1; margin-bottom: 1; }
    #cause-keys { margin-top: 1; height: 1; }
    """

    def __init__(self, cause: Cause) -> None:
        super().__init__()
        self.cause = cause

    def compose(self) -> ComposeResult:
        self._set_size_classes(*self.app.size, update=False)
        with Vertical(id="cause-dialog"):
            yield Static(Text("What went wrong", style="bold"), id="cause-title")
            with KeyScroll():
                yield Static(cause_table(self.cause), id="cause-fields")
            yield Static(Text("escape closes · y copies it all", style="dim"), id="cause-keys")
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one(KeyScroll).focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.cause.as_text())
        self.notify("Copied the cause.", timeout=2)

    async def action_dismiss(self, result: object = None) -> None:
        self.dismiss(None)
