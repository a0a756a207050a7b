"""The core's parts are built alone, from their narrow collaborators (issue 28).

No AppService, no Runtime: a test that needs a Leader, the notification consumer or the
cancellation engine builds just that, from a local database and clients on the sandbox.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from amazon_tui.clients.amazon.sqs import QueueMessage
from amazon_tui.config.schema import NotificationsConfig
from amazon_tui.core.cancel.engine import CancellationEngine
from amazon_tui.core.cancel.magento import MagentoFollowUp
from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.send import Sender
from amazon_tui.core.cancel.settle import Settler
from amazon_tui.core.gateway import Gateway
from amazon_tui.core.leadership.leader import Leader
from amazon_tui.core.notifications import NotificationConsumer
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.local.audit_trail import AuditTrail
from amazon_tui.local.db import open_database
from amazon_tui.local.journal import CancelState, Journal
from amazon_tui.local.lease import Coordination
from amazon_tui.local.orders import OrderRepository
from tests.support.notification_messages import order_change
from tests.support.services import sandbox_settings


def now() -> datetime:
    return datetime.now(UTC)


class LeaseClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "alone")
    yield database
    database.close()


@pytest.fixture
def gateway(world, tmp_path):
    """Amazon's and Magento's clients on the sandbox, for the world's config; nothing else of the app."""
    gateway = Gateway(
        sandbox_settings(tmp_path / "alone"), transport=httpx.ASGITransport(app=world.sandbox.app)
    )
    yield gateway


def unshipped_merchant_order(world, store: str = "Acme US") -> tuple[str, str]:
    seller = sandbox_settings(world.data_dir).config.store(store).seller_id
    row = world.sandbox.db.query(
        "SELECT order_id FROM amazon_orders WHERE seller_id = ? AND fulfillment_status = 'UNSHIPPED'"
        " AND fulfilled_by = 'MERCHANT' ORDER BY order_id LIMIT 1",
        (seller,),
    )[0]
    return store, row["order_id"]


def test_a_leader_alone_leads_and_a_read_only_one_never_does(db):
    clock = LeaseClock()
    watch = Leader(Coordination(db, kind="watch", lease_seconds=15, now=clock), lease_seconds=15, now=clock)
    viewer = Leader(
        Coordination(db, kind="tui", lease_seconds=15, now=clock), lease_seconds=15, read_only=True, now=clock
    )
    viewer.keep_lease = watch.keep_lease = True
    assert viewer.tick() is False, "read-only: never takes the free lease"
    assert watch.tick() is True
    first = watch.fence()
    assert first is not None and viewer.fence() is None
    watch.leave()
    clock.now += 1
    assert viewer.tick() is False and viewer.leader_description() is None
    again = Leader(Coordination(db, kind="watch", lease_seconds=15, now=clock), lease_seconds=15, now=clock)
    again.keep_lease = True
    assert again.tick() is True
    assert again.fence().epoch > first.epoch, "each holder gets a later epoch"


async def test_the_notification_consumer_alone_applies_an_order_change(world, db, gateway):
    store, order_id = unshipped_merchant_order(world)
    world.sandbox.ship_order(order_id)
    settled: list[str] = []

    async def settle_feed(feed_id, status, document_id):
        settled.append(feed_id)
        return []

    config = sandbox_settings(world.data_dir).config
    consumer = NotificationConsumer(
        NotificationsConfig(sqs_queue_url="https://sqs.us-east-1.amazonaws.com/1/q"),
        stores=config.stores,
        fetch_order=lambda store, order_id: gateway.orders(store).get_order(order_id),
        local=OrderRepository(db),
        settle_feed=settle_feed,
        now=now,
        timeout_seconds=5,
    )
    seller = config.store(store)
    body = order_change(seller.seller_id, seller.market.marketplace_id, order_id, now())
    assert await consumer.apply(QueueMessage("m1", "r1", body, 1)) == (True, [order_id])
    assert OrderRepository(db).get(order_id).status is OrderStatus.SHIPPED
    assert settled == []


async def test_the_cancellation_engine_alone_cancels_at_amazon(world, db, gateway):
    store, order_id = unshipped_merchant_order(world)
    repo = OrderRepository(db)
    repo.upsert([await gateway.orders(store).get_order(order_id)], now=now())
    coordination = Coordination(db, kind="test", lease_seconds=15)
    records = CancelRecords(Journal(db), AuditTrail(db), repo, now, "alice")
    engine = CancellationEngine(
        records,
        Sender(records, gateway, coordination.holds),
        Settler(records, gateway, coordination.holds),
        MagentoFollowUp(records, lambda: gateway.magento, "none", coordination.holds, lambda _store: None),
    )
    entry = records.request(order_id, store, CancelReason.NO_INVENTORY)
    assert coordination.acquire()
    fence = coordination.fence()
    for _ in range(10):
        await engine.drive_once(fence=fence)
        entry = records.journal.get(entry.id)
        if entry.state is CancelState.CANCELED:
            break
        engine.retry_now()
        await asyncio.sleep(0.1)  # the sandbox processes the feed in 0.2 s
    assert entry.state is CancelState.CANCELED
    assert world.sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert world.sandbox.count("createFeed") == 1
    outcomes = [e.outcome for e in AuditTrail(db).entries() if e.order_id == order_id]
    assert (outcomes[-1], outcomes[0]) == ("requested", "canceled"), outcomes
