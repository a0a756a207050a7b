"""Below the minimum size nothing on screen can be acted on: only quitting works.

The "Terminal too small" notice hides the screen's content, so a key or a click could act
on something the operator cannot see (at 50×12, ``c`` Enter Enter canceled an order whose
Confirm button was off screen). The app drops every key, click and paste while too small,
for every screen and modal alike, except its quit keys and ctrl+c; the screens keep their
state, so growing the terminal back shows them exactly as they were.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widget import Widget

from amazon_tui.tui.widgets.error_line import MIN_HEIGHT, MIN_WIDTH, TooSmall

QUIT_ACTIONS = ("quit", "help_quit")  # the app's q / ctrl+q, and Textual's ctrl+c


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


def blocked_while_too_small(event: events.Event) -> bool:
    """Input that would act on the screen: keys, the mouse, pastes."""
    return isinstance(event, (events.Key, events.MouseEvent, events.Paste)) and not event.is_forwarded


class SizeGated:
    """Mixin of a screen (or modal) that shows ``TooSmall`` instead of its content below the minimum.

    Listed before the Textual screen class (``class X(SizeGated, ModalScreen)``): Textual
    inherits CSS along the first DOM base only, so the mixin is not a ``Screen`` itself.
    Subclasses yield ``TooSmall()`` last in ``compose`` and hide their content with the
    ``-too-small`` class. Hidden widgets lose focus; the focus comes back with the size.
    """

    _focus_while_too_small: Widget | None = None

    def on_resize(self: Any) -> None:
        width, height = self.size
        if self._set_size_classes(width, height):
            self.query_one(TooSmall).show_size(width, height)

    def _set_size_classes(self: Any, width: int, height: int, *, update: bool = True) -> bool:
        """Set ``-too-small``; returns whether the terminal is below the minimum."""
        small = too_small(width, height)
        if small != self.has_class("-too-small") and self.is_mounted:
            if small:
                self._focus_while_too_small = self.focused
            else:
                self.call_after_refresh(self._restore_focus)
        self.set_class(small, "-too-small", update=update)
        return small

    def _restore_focus(self: Any) -> None:
        widget, self._focus_while_too_small = self._focus_while_too_small, None
        if widget is not None and widget.is_attached and self.focused is None:
            self.set_focus(widget)
