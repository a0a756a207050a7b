"""Help (? and F1): what the current screen is for and every key it answers to."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from amazon_tui.tui.size_gate import SizeGated
from amazon_tui.tui.widgets.error_line import TooSmall
from amazon_tui.tui.widgets.scroll import KeyScroll

GLOBAL_KEYS = (
    ("ctrl+p  :", "Command palette: go to order, switch store, sync now, audit log, theme"),
    ("!", "Attention: orders that need action now, across stores"),
    ("? F1", "This help"),
    ("q", "Quit"),
)


def key_table(screen: Screen) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold #5fa8ff", no_wrap=True)
    table.add_column()
    keys: dict[str, list[str]] = {}
    described: dict[str, str] = {}
    nodes = [screen, *(screen.focused.ancestors_with_self if screen.focused else [])]
    for node in dict.fromkeys(node for node in nodes if node is not screen.app):
        # the bindings after the user's keymap was applied
        for bindings in node._bindings.key_to_bindings.values():  # noqa: SLF001
            for binding in bindings:
                if binding.id and binding.description and described.setdefault(binding.action, binding.description) == binding.description:
                    keys.setdefault(binding.action, []).append(screen.app.get_key_display(binding))
    for action, shown in keys.items():
        table.add_row(Text(" ".join(dict.fromkeys(shown))), Text(described[action]))
    for keys, what in GLOBAL_KEYS:
        table.add_row(Text(keys), Text(what))
    return table


class HelpScreen(SizeGated, ModalScreen[None]):
    """Lists the bindings of the screen underneath."""

    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", "Close", id="close-help")]
    DEFAULT_CSS = """
    HelpScreen.-too-small > #help-dialog { display: none; }
    HelpScreen.-too-small > TooSmall { display: block; }
    """

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        about = getattr(self.target, "HELP", "")
        self._set_size_classes(*self.app.size, update=False)
        with Vertical(id="help-dialog"):
            yield Static(Text("Keys of this screen", style="bold"), id="help-title")
            with KeyScroll():
                if about:
                    yield Static(Text(about, style="italic"), classes="help-about")
                yield Static(key_table(self.target))
            yield Static(Text("escape closes", style="dim"))
        yield TooSmall()

    def action_dismiss(self) -> None:
        self.dismiss(None)
