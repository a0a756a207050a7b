"""Help (? and F1): what the current screen is for and every key it answers to, as bound now.

The key table is generated from the live binding chain of the screen underneath (the focused
widget, the screen, the app) after the ``[keymap]`` remaps, so it always says what a key does
here and now. Each row shows the keys, what they do and the binding id that ``[keymap]`` takes;
actions that cannot be done at the moment (Cancel Order on a shipped order) are dimmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from amazon_tui.tui.size_gate import SizeGated
from amazon_tui.tui.widgets.error_line import TooSmall
from amazon_tui.tui.widgets.scroll import KeyScroll

SECTIONS = ("On this screen", "In this view", "Everywhere")  # the order help lists them in
KEY_OF = re.compile(r"\{([a-z0-9-]+)\}")  # "{cancel-order}" in a screen's HELP: the key of that id


@dataclass
class KeyRow:
    """One binding id as it is bound now: its keys (as displayed), description, id, availability."""

    section: str
    binding_id: str
    keys: list[str]
    description: str
    enabled: bool


def key_rows(screen: Screen) -> list[KeyRow]:
    """Every binding with an id in ``screen``'s chain, keymap applied: the screen's, the view's, the app's."""
    rows: dict[str, KeyRow] = {}
    for node, bindings in screen._binding_chain:
        section = (
            SECTIONS[2] if isinstance(node, App) else SECTIONS[0] if isinstance(node, Screen) else SECTIONS[1]
        )
        for key, key_bindings in bindings.key_to_bindings.items():
            for binding in key_bindings:
                if not binding.id or not binding.description or binding.system:
                    continue
                row = rows.get(binding.id)
                if row is None:
                    description = (
                        f"{binding.description} — {binding.tooltip}"
                        if binding.tooltip
                        else binding.description
                    )
                    row = rows[binding.id] = KeyRow(
                        section, binding.id, [], description, _enabled(node, binding)
                    )
                shown = screen.app.get_key_display(binding.with_key(key))
                if shown not in row.keys:
                    row.keys.append(shown)
    return sorted(rows.values(), key=lambda row: SECTIONS.index(row.section))


def prose(screen: Screen) -> str:
    """The screen's ``HELP`` with each ``{binding-id}`` replaced by the key it answers to now
    (the first, ``[keymap]`` applied): "c cancels" reads "x cancels" once cancel-order is x."""
    text: str = getattr(screen, "HELP", "")
    if "{" not in text:
        return text
    app = screen.app
    found: dict[str, Binding] = {}
    for node in (*screen.walk_children(with_self=True), app):
        for key_bindings in node._bindings.key_to_bindings.values():
            for binding in key_bindings:
                if binding.id:
                    found.setdefault(binding.id, binding)

    def key_of(match: re.Match[str]) -> str:
        binding = found.get(match[1])
        if binding is None:
            return match[1]
        key = app._keymap.get(binding.id or "", binding.key).split(",")[0].strip()
        return app.get_key_display(binding.with_key(key))

    return KEY_OF.sub(key_of, text)


def _enabled(node: DOMNode, binding: Binding) -> bool:
    """Whether the binding's action can be done now (its namespace's ``check_action``)."""
    return node.check_action(binding.action.partition("(")[0], ()) is True


def key_table(screen: Screen) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold #5fa8ff", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(style="dim", no_wrap=True)
    section = None
    for row in key_rows(screen):
        if row.section != section:
            section = row.section
            table.add_row(
                Text(section, style="bold underline"), Text(""), Text("keymap id", style="dim italic")
            )
        style = "" if row.enabled else "dim"
        description = Text(row.description, style=style)
        if not row.enabled:
            description.append(" (not now)", style="dim italic")
        table.add_row(Text(" ".join(row.keys), style=style), description, Text(row.binding_id))
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
        about = prose(self.target)
        self._set_size_classes(*self.app.size, update=False)
        with Vertical(id="help-dialog"):
            yield Static(Text("Keys of this screen", style="bold"), id="help-title")
            with KeyScroll():
                if about:
                    yield Static(Text(about, style="italic"), classes="help-about")
                yield Static(key_table(self.target), id="help-keys")
            closes = self.app._keymap.get("close-help", "escape").split(",")[0].strip()
            yield Static(Text(f"{closes} closes · remap any id under [keymap] in config.toml", style="dim"))
        yield TooSmall()

    async def action_dismiss(self, result: object = None) -> None:
        self.dismiss(None)
