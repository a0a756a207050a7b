"""Cancellation, exactly once: requested -> verified -> submitted -> canceled | failed.

Every transition is committed to the journal before the next request leaves, so a crash,
a killed process or a dropped SSH session resumes where it stopped and never sends a
second feed. Several orders of one seller go in ONE feed (createFeed allows about one call
every two minutes).
"""

from __future__ import annotations

import asyncio
import getpass
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from amazon_tui.core.cancel.feed_xml import (
    CONTENT_TYPE,
    FEED_TYPE,
    CancelMessage,
    ReportError,
    build_cancellation_feed,
    parse_processing_report,
)
from amazon_tui.domain.models import Order, not_cancelable_reason
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.local.audit_trail import AuditEntry, AuditTrail
from amazon_tui.local.journal import CancelState, DuplicateCancellation, Journal, JournalEntry
from amazon_tui.local.orders import OrderRepository

SUCCESS_MESSAGE = "The Amazon order has been canceled and the request has been submitted to Amazon."
FAILURE_MESSAGE = "Unable to cancel the order. Please try again."
CANCELED_NOTE = "Status updated to canceled."
FINAL_FEED_STATUSES = ("DONE", "FATAL", "CANCELLED")
CHECK_FAILED = "Could not check the order with Amazon:"
OUTCOME_UNKNOWN = "createFeed outcome unknown:"


READ_ONLY_MESSAGE = "amazon-tui runs read-only: cancellation is switched off (--read-only or ui.read_only)."


class CancelRefused(Exception):
    """A cancellation that a rule forbids (not cancelable, duplicate, read-only)."""

    def __init__(self, message: str, code: str = "not_cancelable") -> None:
        super().__init__(message)
        self.code = code


class ReadOnlySession(CancelRefused):
    """A read-only session: nothing is journaled, sent to Amazon or written to Magento."""

    def __init__(self) -> None:
        super().__init__(READ_ONLY_MESSAGE, "read_only")


@dataclass(frozen=True)
class Submission:
    """What ``submit`` did: the entries sent in one feed, and the orders it refused with why."""

    submitted: tuple[JournalEntry, ...]
    refused: tuple[tuple[str, str], ...]
    feed_id: str | None
    failed: tuple[tuple[str, str], ...] = ()  # a service failed: nothing reached Amazon's queue; try again


def _may_have_landed(error: Exception) -> bool:
    """Whether a failed createFeed could still have created the feed at Amazon.

    Only a refused connection or an answer that says the request was not processed (4xx) is
    proof that it did not; a 5xx, a timeout after sending, or an unreadable 2xx answer is not.
    """
    from amazon_tui.clients.errors import ConnectionFailed, MalformedResponse, ServerError, ServiceTimeout

    if isinstance(error, (ConnectionFailed, ServiceTimeout)):
        return bool(error.reached_server)
    return isinstance(error, (ServerError, MalformedResponse))


def retry_allowed(entry: JournalEntry) -> bool:
    """A journal row whose createFeed outcome is unknown: Confirm again adopts Amazon's feed or sends it."""
    return entry.state is CancelState.VERIFIED and (entry.message or "").startswith(OUTCOME_UNKNOWN)


def operator_name() -> str:
    """The OS user, recorded as the operator of every cancellation."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class CancellationEngine:
    """Drives cancellations through Amazon's feed and the Magento follow-up."""

    def __init__(
        self,
        *,
        repo: OrderRepository,
        journal: Journal,
        audit: AuditTrail,
        gateway,
        clock: Callable[[], datetime],
        on_amazon_cancel: str = "refund",
        operator: str | None = None,
        poll_interval: float = 2.0,
        poll_max_interval: float = 30.0,
        poll_timeout: float = 3600.0,
        read_only: bool = False,
        owner: Callable[[], str | None] = lambda: None,
        owner_alive: Callable[[str | None], bool] = lambda _owner: False,
        pushed: Callable[[], bool] = lambda: False,
        push_grace: float = 900.0,
    ) -> None:
        self.read_only = read_only
        # while SP-API notifications arrive, a feed's first getFeed waits push_grace seconds:
        # FEED_PROCESSING_FINISHED settles it first (feed_finished); the poll is the safety net
        self.pushed = pushed
        self.push_grace = push_grace
        self._owner = owner
        self._owner_alive = owner_alive
        self._not_before: dict[str, tuple[float, float]] = {}  # step -> (monotonic time, interval)
        self.repo = repo
        self.journal = journal
        self.audit = audit
        self.gateway = gateway
        self.clock = clock
        self.on_amazon_cancel = on_amazon_cancel
        self.operator = operator or operator_name()
        self.poll_interval = poll_interval
        self.poll_max_interval = poll_max_interval
        self.poll_timeout = poll_timeout
        self._lock = asyncio.Lock()

    # -- the steps -------------------------------------------------------------------------

    def _audit(self, entry: JournalEntry, outcome: str, message: str | None = None) -> None:
        self.audit.record(self._audit_entry(entry, outcome, message))

    def _audit_all(self, entries: Sequence[JournalEntry], outcome: str) -> None:
        """One audit row per order of a batch, written (and synced) together."""
        if entries:
            self.audit.record_many([self._audit_entry(entry, outcome) for entry in entries])

    def _audit_entry(self, entry: JournalEntry, outcome: str, message: str | None = None) -> AuditEntry:
        return AuditEntry(
            time=self.clock(),
            operator=entry.operator,
            action="cancel",
            outcome=outcome,
            store=entry.store,
            order_id=entry.order_id,
            reason=entry.reason.value,
            feed_id=entry.feed_id,
            message=message,
        )

    def _fail(self, entry: JournalEntry, message: str) -> JournalEntry:
        failed = self.journal.advance(entry.id, CancelState.FAILED, now=self.clock(), message=message)
        self._audit(failed, "failed", message)
        return failed

    async def _verify(self, entry: JournalEntry) -> tuple[JournalEntry, Order | None]:
        """Fresh getOrder: only UNSHIPPED, merchant-fulfilled orders go on."""
        try:
            order = await self.gateway.orders(entry.store).get_order(entry.order_id)
        except Exception as exc:  # noqa: BLE001 - any failure refuses the order with its cause
            return self._fail(entry, f"{CHECK_FAILED} {exc}"), None
        self.repo.upsert([order], now=self.clock(), detail=True)
        why = not_cancelable_reason(order)
        if why is not None:
            return self._fail(entry, f"Amazon says the order is {order.status.label}: {why}"), None
        items = tuple(item.order_item_id for item in order.items if item.quantity_unshipped > 0) or tuple(
            item.order_item_id for item in order.items
        )
        return self.journal.advance(entry.id, CancelState.VERIFIED, now=self.clock(), items=items), order

    async def submit(self, store: str, order_ids: Sequence[str], reason: CancelReason) -> Submission:
        """Journal, verify and send ONE feed for the orders of one store; returns at submission.

        Raises ReadOnlySession in a read-only session, before anything is journaled or sent.
        """
        if self.read_only:
            raise ReadOnlySession()
        async with self._lock:
            return await self._submit(store, order_ids, reason)

    async def _submit(self, store: str, order_ids: Sequence[str], reason: CancelReason) -> Submission:
        refused: list[tuple[str, str]] = []
        failed: list[tuple[str, str]] = []
        entries: list[JournalEntry] = []
        unsent: list[JournalEntry] = []  # verified earlier, createFeed's outcome unknown: adopt or send again
        for order_id in dict.fromkeys(order_ids):
            requested = AuditEntry(
                time=self.clock(),
                operator=self.operator,
                action="cancel",
                outcome="requested",
                store=store,
                order_id=order_id,
                reason=reason.value,
            )
            try:
                entries.append(
                    self.journal.request(
                        order_id,
                        store,
                        reason,
                        self.operator,
                        now=self.clock(),
                        owner=self._owner(),
                        also=lambda conn, row=requested: self.audit.write(conn, [row]),
                    )
                )
            except DuplicateCancellation as exc:
                live = self.journal.live(order_id)
                if live is not None and retry_allowed(live):
                    unsent.append(live)
                else:
                    refused.append((order_id, str(exc)))
        verified: list[JournalEntry] = []
        for entry in entries:
            checked, _ = await self._verify(entry)
            if checked.state is CancelState.VERIFIED:
                verified.append(checked)
            else:
                why = failed if (checked.message or "").startswith(CHECK_FAILED) else refused
                why.append((entry.order_id, checked.message or FAILURE_MESSAGE))
        sent: list[JournalEntry] = []
        if unsent and await self._adopt_sent_feed(store, unsent) is not None:
            sent += [self.journal.get(entry.id) for entry in unsent]
        else:
            verified += unsent
        if verified:
            for entry in await self._send_feed(store, verified):
                if entry.state is CancelState.SUBMITTED:
                    sent.append(entry)
                else:
                    failed.append((entry.order_id, entry.message or FAILURE_MESSAGE))
        return Submission(tuple(sent), tuple(refused), sent[0].feed_id if sent else None, tuple(failed))

    async def _send_feed(self, store: str, entries: list[JournalEntry]) -> list[JournalEntry]:
        """Upload the feed document and create the feed; journal ``submitted`` with the feed id."""
        feeds = self.gateway.feeds(store)
        merchant = self.gateway.seller_id(store)
        body = build_cancellation_feed(
            merchant, [CancelMessage(e.order_id, e.items, e.reason) for e in entries]
        )
        try:
            document = await feeds.create_feed_document(CONTENT_TYPE)
            entries = [
                self.journal.advance(
                    e.id,
                    CancelState.VERIFIED,
                    now=self.clock(),
                    document_id=document.feed_document_id,
                    batch=document.feed_document_id,
                )
                for e in entries
            ]
            await feeds.upload(document.url, body, CONTENT_TYPE)
        except Exception as exc:  # noqa: BLE001 - nothing reached Amazon's feed queue; the cause is shown
            return [self._fail(entry, f"{FAILURE_MESSAGE} {exc}") for entry in entries]
        try:
            feed_id = await feeds.create_feed(
                FEED_TYPE, [self.gateway.marketplace_id(store)], document.feed_document_id
            )
        except Exception as exc:
            if _may_have_landed(exc):
                # Amazon may have the feed: keep the entries verified; resume asks getFeeds first.
                for entry in entries:
                    self.journal.advance(
                        entry.id, CancelState.VERIFIED, now=self.clock(), message=f"{OUTCOME_UNKNOWN} {exc}"
                    )
                raise
            return [self._fail(entry, f"{FAILURE_MESSAGE} {exc}") for entry in entries]
        submitted = [
            self.journal.advance(e.id, CancelState.SUBMITTED, now=self.clock(), feed_id=feed_id)
            for e in entries
        ]
        self._audit_all(submitted, "submitted")
        return submitted

    async def _finish_feed(self, feed_id: str, group: list[JournalEntry]) -> list[JournalEntry]:
        """One getFeed; once the feed is final, its report settles each row ([] until then)."""
        feed = await self.gateway.feeds(group[0].store).get_feed(feed_id)
        if feed.processing_status not in FINAL_FEED_STATUSES:
            return []
        return await self._settle_feed(feed_id, group, feed.processing_status, feed.result_feed_document_id)

    async def feed_finished(
        self, feed_id: str, status: str, result_document_id: str | None
    ) -> list[JournalEntry]:
        """Amazon's FEED_PROCESSING_FINISHED: settle the feed's cancellations from the report it
        names, without a getFeed; [] when none of ours waits on this feed (a duplicate, another app's)."""
        if status not in FINAL_FEED_STATUSES:
            return []
        async with self._lock:
            group = [entry for entry in self.journal.by_feed(feed_id) if entry.state is CancelState.SUBMITTED]
            if not group:
                return []
            finished = await self._settle_feed(feed_id, group, status, result_document_id)
            self._not_before.pop(f"feed:{feed_id}", None)
            return finished

    async def _settle_feed(
        self, feed_id: str, group: list[JournalEntry], status: str, result_document_id: str | None
    ) -> list[JournalEntry]:
        """A final feed: each row canceled or failed as its processing report says."""
        if status != "DONE" or not result_document_id:
            return [
                self._fail(entry, f"{FAILURE_MESSAGE} Amazon ended the feed {feed_id} as {status}.")
                for entry in group
            ]
        feeds = self.gateway.feeds(group[0].store)
        document = await feeds.get_feed_document(result_document_id)
        try:
            report = parse_processing_report(await feeds.download(document))
        except ReportError as exc:
            return [self._fail(entry, f"{FAILURE_MESSAGE} {exc}") for entry in group]
        ordered = sorted(group, key=lambda e: e.id)
        finished = []
        all_in_feed = self._feed_members(feed_id)
        for entry in ordered:
            message_id = str(all_in_feed.index(entry.order_id) + 1) if entry.order_id in all_in_feed else ""
            errors = report.errors_for(entry.order_id, message_id)
            if errors:
                finished.append(
                    self._fail(entry, f"{FAILURE_MESSAGE} Amazon: " + " ".join(e.description for e in errors))
                )
                continue
            canceled = self.journal.advance(
                entry.id, CancelState.CANCELED, now=self.clock(), message=SUCCESS_MESSAGE
            )
            self.repo.set_status(entry.order_id, OrderStatus.CANCELLED, CANCELED_NOTE, now=self.clock())
            self._audit(canceled, "canceled", f"Confirmed by Amazon's processing report of feed {feed_id}.")
            finished.append(await self._magento(canceled))
        return finished

    def _feed_members(self, feed_id: str) -> list[str]:
        """Order ids in the order they were written to the feed (MessageID = position + 1)."""
        return [entry.order_id for entry in sorted(self.journal.by_feed(feed_id), key=lambda e: e.id)]

    async def _magento(self, entry: JournalEntry) -> JournalEntry:
        """The Magento side, per ``magento.on_amazon_cancel``: refund offline, comment, or nothing."""
        magento = self.gateway.magento
        link = self.repo.link(entry.order_id)
        if magento is None or self.on_amazon_cancel == "none" or link is None:
            self.journal.set_magento_done(entry.id, now=self.clock())
            return self.journal.get(entry.id)
        comment = (
            f"Amazon order {entry.order_id} canceled in amazon-tui by {entry.operator}. "
            f"Reason: {entry.reason.label} ({entry.reason.value})."
        )
        try:
            if self.on_amazon_cancel == "refund":
                await magento.refund_offline(link.entity_id, comment=comment)
            else:
                await magento.add_comment(link.entity_id, comment)
        except Exception as exc:  # noqa: BLE001 - retried by the resume worker
            if self.on_amazon_cancel == "refund" and await self._already_refunded(link.entity_id, exc):
                # An earlier attempt landed but its answer was lost (a crash, a kill, a timeout):
                # Magento refuses a second credit memo. The refund is done; never send another.
                self.journal.set_magento_done(entry.id, now=self.clock())
                self._audit(
                    entry,
                    "magento-refund",
                    f"Magento already holds the refund (an earlier attempt landed). {comment}",
                )
                return self.journal.get(entry.id)
            self._audit(entry, "magento-failed", f"Magento {self.on_amazon_cancel} failed: {exc}")
            return entry
        self.journal.set_magento_done(entry.id, now=self.clock())
        self._audit(entry, f"magento-{self.on_amazon_cancel}", comment)
        return self.journal.get(entry.id)

    async def _already_refunded(self, entity_id: int, error: Exception) -> bool:
        """Whether Magento refused the refund because the order is refunded already."""
        from amazon_tui.clients.errors import BadRequestError

        if not isinstance(error, BadRequestError):
            return False
        try:
            order = await self.gateway.magento.get_order(entity_id)
        except Exception:  # noqa: BLE001 - unknown: the resume worker asks again later
            return False
        if order.state == "closed":
            return True
        return (
            order.grand_total is not None
            and order.total_refunded is not None
            and order.total_refunded >= order.grand_total
        )

    # -- resuming --------------------------------------------------------------------------

    def drivable(self, only: set[int] | None = None) -> list[JournalEntry]:
        """Unfinished rows this process may carry on (as the data dir's leader).

        Submitted and canceled rows wait only for Amazon and Magento: the leader finishes them
        whoever submitted them. A requested or verified row is in the hands of the process that
        submits it; another process resumes it only once that one is gone (killed, crashed,
        closed). In one process, ``submit`` and the drive passes take turns (one lock).
        ``only``: just these journal ids.
        """
        me = self._owner()
        return [
            entry
            for entry in self.journal.unfinished()
            if (only is None or entry.id in only)
            and (
                entry.state in (CancelState.SUBMITTED, CancelState.CANCELED)
                or (me is not None and entry.owner == me)
                or not self._owner_alive(entry.owner)
            )
        ]

    def _due(self, step: str) -> bool:
        not_before = self._not_before.get(step)
        return not_before is None or time.monotonic() >= not_before[0]

    def _later(self, step: str) -> None:
        """Try ``step`` again after a backoff: poll_interval, doubling up to poll_max_interval."""
        _, interval = self._not_before.get(step, (0.0, self.poll_interval / 2))
        interval = min(interval * 2, self.poll_max_interval)
        self._not_before[step] = (time.monotonic() + interval, interval)

    @staticmethod
    def _step(entry: JournalEntry) -> str:
        """The next step of an unfinished row, as the key of its backoff."""
        if entry.state is CancelState.SUBMITTED:
            return f"feed:{entry.feed_id}"
        if entry.state is CancelState.CANCELED:
            return f"magento:{entry.id}"
        return f"send:{entry.store}"

    def retry_now(self) -> None:
        """Forget the backoffs: the next pass takes every step at once (the operator's `r`)."""
        self._not_before.clear()

    def work_due(self) -> bool:
        """Whether a drive pass would do something now (cheap: one journal query)."""
        return any(self._due(self._step(entry)) for entry in self.drivable())

    def next_due_in(self, only: set[int] | None = None) -> float | None:
        """Seconds until the earliest backed-off step may run (None: nothing is waiting)."""
        steps = {self._step(entry) for entry in self.drivable(only)}
        now = time.monotonic()
        waits = [
            max(0.0, self._not_before[step][0] - now) if step in self._not_before else 0.0 for step in steps
        ]
        return min(waits) if waits else None

    async def drive_once(
        self, only: set[int] | None = None, *, still_leading: Callable[[], bool] = lambda: True
    ) -> list[JournalEntry]:
        """One pass over the drivable rows whose next step is due; returns the rows it moved.

        Each feed is polled once per pass, then again after a backoff (2 s doubling to 30 s);
        a failed Magento step is retried the same way. A service failure ends the pass and is
        raised, with the step backed off: the next pass tries again. ``still_leading`` is asked
        before each step that writes to Amazon or Magento: a process that lost the lease stops.
        """
        if self.read_only:
            raise ReadOnlySession()
        async with self._lock:
            moved: list[JournalEntry] = []
            for entry in [e for e in self.drivable(only) if e.state is CancelState.REQUESTED]:
                if not still_leading():
                    return moved
                await self._verify(entry)
            verified = [e for e in self.drivable(only) if e.state is CancelState.VERIFIED]
            for store in dict.fromkeys(e.store for e in verified):
                step = f"send:{store}"
                if not self._due(step):
                    continue
                if not still_leading():
                    return moved
                group = [e for e in verified if e.store == store]
                try:
                    if await self._adopt_sent_feed(store, group) is None:
                        moved += [
                            e for e in await self._send_feed(store, group) if e.state is CancelState.FAILED
                        ]
                except Exception:
                    self._later(step)
                    raise
                self._not_before.pop(step, None)
            submitted = [e for e in self.drivable(only) if e.state is CancelState.SUBMITTED and e.feed_id]
            for feed_id in dict.fromkeys(e.feed_id for e in submitted):
                step = f"feed:{feed_id}"
                if not self._due(step):
                    continue
                if not still_leading():
                    return moved
                if step not in self._not_before and self.pushed():  # FEED_PROCESSING_FINISHED will tell
                    self._not_before[step] = (time.monotonic() + self.push_grace, self.poll_interval / 2)
                    continue
                group = [e for e in submitted if e.feed_id == feed_id]
                self._later(step)  # polled now; the next poll after the backoff
                finished = await self._finish_feed(feed_id, group)
                if finished:
                    self._not_before.pop(step, None)
                moved += finished
            for entry in [
                e for e in self.drivable(only) if e.state is CancelState.CANCELED and not e.magento_done
            ]:
                step = f"magento:{entry.id}"
                if any(e.id == entry.id for e in moved) or not self._due(step):
                    continue
                if not still_leading():
                    return moved
                done = await self._magento(entry)
                if done.magento_done:
                    self._not_before.pop(step, None)
                else:
                    self._later(step)
                moved.append(done)
            return moved

    async def _adopt_sent_feed(self, store: str, group: list[JournalEntry]) -> str | None:
        """A feed created for these entries before a crash let us record its id, if any.

        Only entries whose document was created can have a feed. Amazon's getFeeds lists
        POST_ORDER_ACKNOWLEDGEMENT_DATA feeds created since then; one that no journal row
        claims is ours. None means createFeed provably never happened, so sending is safe.
        """
        documents = [e for e in group if e.document_id]
        if not documents:
            return None
        since = min(e.requested_at for e in documents) - timedelta(minutes=5)
        feeds = self.gateway.feeds(store)
        known = self.journal.feed_ids()
        for feed in await feeds.list_feeds(FEED_TYPE, created_since=since):
            if feed.feed_id not in known:
                for entry in group:
                    self.journal.advance(
                        entry.id, CancelState.SUBMITTED, now=self.clock(), feed_id=feed.feed_id
                    )
                return feed.feed_id
        return None
