"""What the app offers its screens beyond Textual's ``App``, as a protocol screens can type against
(they never import the app: requests go up as messages, this is what they may read)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from amazon_tui.core.service import AppService
    from amazon_tui.core.sync.progress import SyncProgress


class LiveState(Protocol):
    """The live refresh as screens read it."""

    @property
    def failures(self) -> dict[str, str]:
        """The stores whose last sync failed, with the cause."""
        ...

    def status_now(self) -> str:
        """The leadership line as it stands."""
        ...

    def failure_of(self, store: str, text: str | None = None) -> object:
        """The store's sync failure: its typed error when known, else its text."""
        ...


class TuiContext(Protocol):
    """The app, as its screens see it."""

    @property
    def service(self) -> AppService: ...

    @property
    def sync_progress(self) -> dict[str, SyncProgress]: ...

    @property
    def live(self) -> LiveState: ...

    def remember_cause(self, what: str, error: object) -> None:
        """A failure told in a toast: its whole cause for `e`."""
        ...
