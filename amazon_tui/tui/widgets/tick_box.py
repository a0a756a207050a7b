"""A checkbox whose state reads without colour: ``[x]`` when checked, ``[ ]`` when not.

Textual's Checkbox draws ▐X▌ either way and tells the states apart by colour alone, so under
NO_COLOR (or to a colour-blind operator) a checked status filter looked like an unchecked one.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    """Checkbox drawn as ``[x]`` / ``[ ]``."""

    @property
    def _button(self) -> Content:
        return Content.assemble(("[x]" if self.value else "[ ]", self.get_visual_style("toggle--button")))
