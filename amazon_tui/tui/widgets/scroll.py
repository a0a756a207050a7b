"""A vertical scroll view with the motion keys of k9s and lazygit (j/k, g/G, ctrl+d/ctrl+u)."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll


class KeyScroll(VerticalScroll):
    """VerticalScroll (arrows, PgUp/PgDn, Home/End) plus vim-style motion, under the same binding
    ids as the order tables' (``down``, ``up``, ``first``, ``last``...): one keymap entry moves both."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="down"),
        Binding("k", "scroll_up", "Up", show=False, id="up"),
        Binding("g", "scroll_home", "Top", show=False, id="first"),
        Binding("G", "scroll_end", "Bottom", show=False, id="last"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="page-down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="page-up"),
    ]
