"""A vertical scroll view with the motion keys of k9s and lazygit (j/k, g/G, ctrl+d/ctrl+u)."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll


class KeyScroll(VerticalScroll):
    """VerticalScroll (arrows, PgUp/PgDn, Home/End) plus vim-style motion."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="scroll-down"),
        Binding("k", "scroll_up", "Up", show=False, id="scroll-up"),
        Binding("g", "scroll_home", "Top", show=False, id="scroll-top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="scroll-bottom"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="page-down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="page-up"),
    ]
