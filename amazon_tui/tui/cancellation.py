"""The TUI's part of a cancellation: the modal, then Amazon's report followed in the background.

The modal closes once the feed is submitted; the orders show "Canceling…" until the journal
says Amazon answered. As the data dir's leader, this TUI also drives every unfinished
cancellation, whoever submitted it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from textual.app import App
from textual.message import Message
from textual.worker import WorkerState

from amazon_tui.tui.messages import OrdersChanged

if TYPE_CHECKING:
    from amazon_tui.core.cancel.rules import Submission
    from amazon_tui.core.service import AppService
    from amazon_tui.local.journal import JournalEntry
    from amazon_tui.tui.context import TuiContext

CANCEL_FINISH_GROUP, CANCEL_RESUME_GROUP = "cancel-finish", "cancel-resume"


class CancellationFlow:
    """Ask, submit, follow: everything the app does for a cancellation."""

    def __init__(
        self, app: App[int], service: AppService, broadcast: Callable[[Callable[[], Message]], None]
    ) -> None:
        self.app = app
        self.service = service
        self.broadcast = broadcast
        self._drive_failure: str | None = None

    def ask(self, order_ids: Sequence[str], on_done: Callable[[], None] | None = None) -> None:
        """Open "Amazon Order Cancellation"; once submitted, follow Amazon's report in the background."""
        from amazon_tui.tui.screens.cancel_modal import CancelModal

        if self.service.read_only:
            self.app.notify("amazon-tui runs read-only: cancellation is switched off.", severity="warning")
            return

        def submitted(submissions: list[Submission] | None) -> None:
            if submissions is None:
                return
            self.report_submissions(submissions)
            if on_done is not None:
                on_done()
            if any(s.submitted for s in submissions):
                self.app.run_worker(self._finish(submissions), group=CANCEL_FINISH_GROUP)

        order = self.service.cached_order(order_ids[0]) if len(order_ids) == 1 else None
        buyer_reason = order.buyer_cancellation_reason if order is not None else None
        self.app.push_screen(CancelModal(order_ids, buyer_reason=buyer_reason), submitted)

    def report_submissions(self, submissions: list[Submission]) -> None:
        from amazon_tui.core.cancel.rules import FAILURE_MESSAGE, SUBMITTED_MESSAGE

        sent = [entry.order_id for s in submissions for entry in s.submitted]
        problems = [(r.order_id, f"{FAILURE_MESSAGE} {r.describe()}") for s in submissions for r in s.refused]
        problems += [(failure.order_id, failure.describe()) for s in submissions for failure in s.failed]
        if sent:
            self.app.notify(SUBMITTED_MESSAGE, title=", ".join(sent)[:60], timeout=6, markup=False)
        for order_id, message in problems:
            self.app.notify(message, title=f"Order {order_id}", severity="error", timeout=12, markup=False)
        self.broadcast(lambda: OrdersChanged(tuple(sent) + tuple(order_id for order_id, _ in problems)))

    async def _finish(self, submissions: list[Submission]) -> None:
        """Wait for Amazon's processing report; the orders show "Canceling…" meanwhile."""
        ids = [entry.order_id for s in submissions for entry in s.submitted]
        try:
            entries = await self.service.finish_cancellations(submissions)
        except Exception as exc:  # noqa: BLE001 - the journal keeps the feed; `r` asks Amazon again
            self.report_failure(f"Amazon's report on the cancellation of {', '.join(ids)}", exc)
            return
        self._report_final(entries)

    def drive(self) -> None:
        """As the leader: one pass over the unfinished cancellations, whoever submitted them."""
        self.app.run_worker(self._drive(), group=CANCEL_RESUME_GROUP)

    async def _drive(self) -> None:
        try:
            entries = await self.service.driver.drive()
        except Exception as exc:  # noqa: BLE001 - the journal keeps every row; the next pass tries again
            message = f"{exc}"
            if message != self._drive_failure:  # one notice per distinct failure, not one per pass
                self._drive_failure = message
                self.report_failure("Finishing the cancellations", exc)
            return
        self._drive_failure = None
        self._report_final([entry for entry in entries if entry.state.final])

    @property
    def driving(self) -> bool:
        return any(
            w.group == CANCEL_RESUME_GROUP and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for w in self.app.workers
        )

    def retry(self, order_ids: Sequence[str] | None = None) -> None:
        """`r`: take the unfinished cancellations' next steps now (this TUI leads), not after the backoff."""
        pending = {entry.order_id for entry in self.service.pending_cancellations()}
        if not pending or (order_ids is not None and not pending & set(order_ids)) or self.service.read_only:
            return
        self.service.cancellations.retry_now()
        if not self.driving:
            self.drive()

    def report_failure(self, what: str, error: object) -> None:
        """A background operation failed: notify, and show it on the screen with the key that retries."""
        from amazon_tui.tui.screens.base import BaseScreen

        notice = f"{what}: {error}"
        self.app.notify(notice, title="Failed", severity="error", timeout=10, markup=False)
        cast("TuiContext", self.app).remember_cause(what, error)
        screen = self.app.screen
        if isinstance(screen, BaseScreen):
            action = next((name for name in ("refresh_order", "sync") if screen.key_for(name)), "sync")
            screen.show_failure(what, error, action, source="cancel")

    def _report_final(self, entries: list[JournalEntry]) -> None:
        from amazon_tui.core.cancel.rules import FAILURE_MESSAGE, SUCCESS_MESSAGE
        from amazon_tui.local.journal import CancelState
        from amazon_tui.tui.screens.base import BaseScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, BaseScreen) and screen.is_mounted:
                screen.clear_failure("cancel")
        for entry in entries:
            if entry.state is CancelState.CANCELED:
                self.app.notify(
                    SUCCESS_MESSAGE, title=f"Order {entry.order_id}: Canceled", timeout=6, markup=False
                )
            elif entry.state is CancelState.FAILED:
                message = entry.message or FAILURE_MESSAGE
                self.app.notify(
                    message, title=f"Order {entry.order_id}", severity="error", timeout=12, markup=False
                )
                cast("TuiContext", self.app).remember_cause(f"Cancel Order {entry.order_id}", message)
        if entries:
            self.broadcast(lambda: OrdersChanged(tuple(entry.order_id for entry in entries)))
