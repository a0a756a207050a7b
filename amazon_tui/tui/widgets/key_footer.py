"""The footer of key bindings, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys on every bindings signal, and opening a screen sends
about six (focus moves, the screen stack changes): six rebuilds, each restyling every key,
were a third of the time to paint a screen. This one compares what it would show with what
it shows, and rebuilds at most once per refresh.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that skips rebuilds which would show the same keys."""

    _shown: tuple | None = None
    _pending = False

    def _signature(self) -> tuple:
        """What the footer shows: the keys (as displayed), their descriptions and state."""
        return tuple(
            (
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen or self._pending:
            return
        self._pending = True
        self.call_after_refresh(self._rebuild_if_changed)

    def compose(self) -> ComposeResult:
        self._shown = self._signature() if self._bindings_ready else None
        yield from super().compose()

    async def _rebuild_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown = self._signature()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
            self._forget_removed_keys()

    def _forget_removed_keys(self) -> None:
        """Drop the ``compact`` watchers of the keys a rebuild removed.

        Each key is data-bound to ``compact``; Textual prunes the watchers of removed keys
        only when ``compact`` changes, which it never does here (Textual 8.2.8 internals).
        """
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if not node._closing]
