"""Focus that keeps up with fast typing: keys sent in one burst (over SSH, a paste) are already
queued when "/" opens a filter; a deferred focus change would let them run the list's keys.
(The app passes such keys on to the new focus: ``AmazonTuiApp.on_key``.)"""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Focus at once, not after the keys already queued: "/" then typing fast must type into
    the filter, not run the list's keys (Widget.focus() defers to the app's next turn)."""
    widget.screen.set_focus(widget)
