"""Focus that moves within the key that asked for it (the app lets typed-ahead keys through one
at a time once the previous one settled: ``typeahead.py``; a focus moved at once is simply
where the next key goes)."""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Focus at once, not after the keys already queued: "/" then typing fast must type into
    the filter, not run the list's keys (Widget.focus() defers to the app's next turn)."""
    widget.screen.set_focus(widget)
