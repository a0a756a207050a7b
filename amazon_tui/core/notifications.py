"""SP-API notifications from Amazon SQS: seconds instead of a polling interval (DESIGN 5b).

Only the data dir's leader consumes, so N operators read the queue once. Each pass long-polls
SQS (20 s), then per message:

- ``ORDER_CHANGE``: one getOrder (its usage plan, 0.5/s, is the client's) unless the local copy
  is already as new as the change (a duplicate or an out-of-order message is harmless), then
  the order is stored; a buyer's cancellation request reaches Attention with it.
- ``FEED_PROCESSING_FINISHED``: the cancellations of that feed are settled from the report it
  names, without polling getFeed.

A message is deleted only once the local store committed what it says. One that cannot be read
is counted and left on the queue (its redrive policy moves it to a dead-letter queue); one
about a store not configured here is deleted. Polling stays as the safety net: while
notifications arrive it slows to ``backup_poll_seconds``; when SQS is unreachable, or silent
for ``silence_seconds``, it returns to ``sync.poll_seconds`` and the status line says why.
Never imports Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from amazon_tui.clients.amazon.notification_models import (
    FeedProcessingFinishedNotification,
    InvalidNotification,
    OrderChangeNotification,
    parse,
)
from amazon_tui.core.notification_health import NotificationHealth

if TYPE_CHECKING:
    from amazon_tui.clients.amazon.sqs import QueueMessage, SqsQueue
    from amazon_tui.config.schema import NotificationsConfig, StoreConfig
    from amazon_tui.domain.models import Order
    from amazon_tui.local.journal import JournalEntry
    from amazon_tui.local.lease import Coordination

RETRY_MIN, RETRY_MAX = 2.0, 60.0  # seconds between attempts while SQS cannot be reached


class OrderSource(Protocol):
    """One getOrder as a store's seller (the client's usage plan applies)."""

    def __call__(self, store: str, order_id: str) -> Awaitable[Order]: ...


class LocalOrders(Protocol):
    """The local store's copy of an order, read and written."""

    def get(self, order_id: str) -> Order | None: ...

    def upsert(
        self, orders: Iterable[Order], *, now: datetime, mark_unseen: bool = ..., detail: bool = ...
    ) -> object: ...


class FeedSettler(Protocol):
    """Settle the cancellations of a finished feed (``CancellationEngine.feed_finished``)."""

    def __call__(
        self, feed_id: str, status: str, result_document_id: str | None
    ) -> Awaitable[list[JournalEntry]]: ...


class NotificationConsumer:
    """The leader's reader of the notifications queue."""

    def __init__(
        self,
        config: NotificationsConfig,
        *,
        stores: Sequence[StoreConfig],
        fetch_order: OrderSource,
        local: LocalOrders,
        settle_feed: FeedSettler,
        now: Callable[[], datetime],
        timeout_seconds: float,
        queue_factory: Callable[[], SqsQueue] | None = None,
        clock: Callable[[], float] = time.time,
        on_change: Callable[[tuple[str, ...]], None] = lambda _ids: None,
        peers: Coordination | None = None,
    ) -> None:
        """``now``: the time an upsert records; ``clock``: seconds, for the health (silence) checks;
        ``peers``: the data dir's coordination, whose clock the health uses and where the leader
        publishes it for the other processes after each pass."""
        self.config = config
        self.stores = stores
        self.fetch_order = fetch_order
        self.local = local
        self.settle_feed = settle_feed
        self.now = now
        self.timeout_seconds = timeout_seconds
        self.health = NotificationHealth(queue=config.sqs_queue_url.rstrip("/").rsplit("/", 1)[-1])
        self.clock = peers.now if peers is not None else clock
        self.publish = peers.publish_notifications if peers is not None else None
        self.on_change = on_change
        self._queue_factory = queue_factory or self._default_queue

    def _default_queue(self) -> SqsQueue:
        from amazon_tui.clients.amazon.sqs import SqsQueue

        return SqsQueue(self.config, timeout_seconds=self.timeout_seconds)

    def healthy(self) -> bool:
        return self.health.healthy(self.clock(), self.config.silence_seconds)

    def describe(self, poll_seconds: float, *, ages: bool = True) -> str:
        return self.health.describe(self.clock(), self.config.silence_seconds, poll_seconds, ages=ages)

    async def run(self, stop: asyncio.Event, *, leading: Callable[[], bool], wait_seconds: int = 20) -> None:
        """Consume while this process leads, until ``stop``; reconnect with a backoff on failures."""
        from amazon_tui.clients.amazon.sqs import SqsError

        await asyncio.to_thread(_import_aws_client)  # botocore takes ~0.5 s to import: not on the UI's loop
        delay = RETRY_MIN
        while not stop.is_set():
            if not leading():
                self.health.state = "following"
                await _wait(stop, 1.0)
                continue
            try:
                async with self._queue_factory() as queue:
                    wait = (
                        0  # the first look answers at once: the status line says "listening" now, not in 20 s
                    )
                    while not stop.is_set() and leading():
                        await self.pass_once(queue, wait_seconds=wait)
                        wait, delay = wait_seconds, RETRY_MIN
            except SqsError as exc:
                self.health.state, self.health.error = "unreachable", exc.cause
                self._publish()
                await _wait(stop, delay)
                delay = min(delay * 2, RETRY_MAX)
            except Exception as exc:  # noqa: BLE001 - e.g. the database closed under it: the loop never dies
                self.health.state, self.health.error = "unreachable", type(exc).__name__
                self._publish()
                await _wait(stop, delay)
                delay = min(delay * 2, RETRY_MAX)

    async def pass_once(self, queue: SqsQueue, *, wait_seconds: int = 20) -> list[str]:
        """One long poll and every message it brought; returns the order ids that changed."""
        messages = await queue.receive(wait_seconds)
        self.health.last_receive = self.clock()
        if self.health.started is None:
            self.health.started = self.health.last_receive
        self.health.state, self.health.error = "listening", None
        changed: list[str] = []
        for message in messages:
            done, order_ids = await self.apply(message)
            changed += order_ids
            if done:
                await queue.delete(message)
        self._publish()
        if changed:
            self.on_change(tuple(dict.fromkeys(changed)))
        return changed

    def _publish(self) -> None:
        """The health, for the other processes' status lines (never fails the consumer)."""
        if self.publish is None:
            return
        with contextlib.suppress(Exception):  # a locked or closed database: the next pass publishes
            self.publish(self.health.as_report())

    async def apply(self, message: QueueMessage) -> tuple[bool, list[str]]:
        """(delete the message?, order ids whose local rows changed) for one queue message."""
        try:
            notification = parse(message.body)
        except InvalidNotification as exc:
            self.health.invalid += 1
            self.health.last_invalid = str(exc)
            return False, []  # left for the queue's redrive policy
        try:
            if isinstance(notification, OrderChangeNotification):
                order_ids = await self._order_change(notification)
            else:
                order_ids = await self._feed_finished(notification)
        except Exception as exc:  # noqa: BLE001 - getOrder or the report failed: SQS redelivers it after its visibility timeout
            self.health.failed += 1
            self.health.last_failure = " ".join(str(exc).split())[:200]
            self.health.last_failure_at = self.clock()
            return False, []
        self.health.last_message = self.clock()
        return True, order_ids

    def _store_for(self, seller_id: str, marketplace_id: str) -> str | None:
        """The active configured store of this seller, in this marketplace when there is one."""
        stores = [s for s in self.stores if s.active and s.seller_id == seller_id]
        exact = [s for s in stores if s.market.marketplace_id == marketplace_id]
        chosen = exact or stores
        return chosen[0].name if chosen else None

    async def _order_change(self, notification: OrderChangeNotification) -> list[str]:
        change = notification.change
        store = self._store_for(change.seller_id, change.summary.marketplace_id)
        if store is None:
            self.health.duplicates += 1
            return []
        cached = self.local.get(change.amazon_order_id)
        if cached is not None and cached.last_updated >= change.trigger.time_of_order_change:
            self.health.duplicates += 1  # we hold this change already (a duplicate, or an older message)
            return []
        order = await self.fetch_order(store, change.amazon_order_id)
        self.local.upsert([order], now=self.now(), mark_unseen=True, detail=True)
        self.health.applied += 1
        return [order.order_id]

    async def _feed_finished(self, notification: FeedProcessingFinishedNotification) -> list[str]:
        finished = notification.finished
        entries = await self.settle_feed(
            finished.feed_id, finished.processing_status, finished.result_feed_document_id
        )
        if entries:
            self.health.applied += 1
        else:
            self.health.duplicates += 1  # not ours, or settled already
        return [entry.order_id for entry in entries]


def _import_aws_client() -> None:
    import aiobotocore.config
    import aiobotocore.session  # noqa: F401


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
