"""SP-API notifications through Amazon SQS (moto over HTTP) into the local store, through the sandbox.

The tests play Amazon's notification sender: they change an order in the sandbox, then put the
matching notification on the queue, as Amazon does.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from amazon_tui.domain.attention import BUYER_CANCEL
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.local.journal import CancelState
from tests.support.notification_messages import ACCESS_KEY, SECRET_KEY, feed_finished, order_change
from tests.support.sqs import depth, receive_once, send, store_of, unshipped


async def test_an_order_change_updates_the_row_and_the_message_is_deleted_after_the_commit(world):
    await world.service.sync()
    order_id = unshipped(world)
    world.sandbox.ship_order(order_id)
    store = store_of(world)
    send(
        world.service.settings.config.notifications.sqs_queue_url,
        order_change(store.seller_id, store.market.marketplace_id, order_id, world.clock()),
    )
    before = world.sandbox.count("getOrder")
    assert await receive_once(world) == [order_id]
    assert world.service.order_summary(order_id).status is OrderStatus.SHIPPED
    assert world.sandbox.count("getOrder") == before + 1
    assert depth(world.service.settings.config.notifications.sqs_queue_url) == (0, 0)
    assert world.service.notifications.health.applied == 1


async def test_duplicate_and_older_messages_cost_no_getorder(world):
    await world.service.sync()
    order_id = unshipped(world)
    world.clock.advance(60)
    world.sandbox.ship_order(order_id)
    store = store_of(world)
    url = world.service.settings.config.notifications.sqs_queue_url
    message = order_change(store.seller_id, store.market.marketplace_id, order_id, world.clock())
    send(url, message)
    await receive_once(world)
    before = world.sandbox.count("getOrder")
    older = order_change(
        store.seller_id,
        store.market.marketplace_id,
        order_id,
        world.clock() - timedelta(minutes=5),
        status="Unshipped",
    )
    send(url, message, older)  # Amazon delivers at least once, in any order
    assert await receive_once(world) == []
    assert world.sandbox.count("getOrder") == before, "nothing newer than what the store holds"
    assert world.service.order_summary(order_id).status is OrderStatus.SHIPPED, (
        "the older message changed nothing"
    )
    assert depth(url) == (0, 0) and world.service.notifications.health.duplicates == 2


async def test_a_buyers_cancellation_request_reaches_attention_at_once(world):
    await world.service.sync()
    order_id = unshipped(world)
    asked = {item.order.order_id for item in world.service.attention() if item.kind == BUYER_CANCEL}
    assert order_id not in asked
    doc = world.sandbox.db.amazon_order(order_id)
    world.clock.advance(30)
    doc["orderItems"][0]["cancellation"] = {
        "cancellationRequest": {"requester": "BUYER", "cancelReason": "Ordered twice"}
    }
    doc["lastUpdatedTime"] = world.clock().isoformat().replace("+00:00", "Z")
    world.sandbox.db.save_amazon_order(doc)
    store = store_of(world)
    send(
        world.service.settings.config.notifications.sqs_queue_url,
        order_change(
            store.seller_id,
            store.market.marketplace_id,
            order_id,
            world.clock(),
            status="Unshipped",
            reason="Buyer Requested Cancel",
            buyer_cancel=True,
        ),
    )
    await receive_once(world)
    request = next(item for item in world.service.attention() if item.order.order_id == order_id)
    assert request.kind == BUYER_CANCEL and request.buyer_reason == "Ordered twice"


async def test_malformed_messages_are_counted_and_left_for_the_dead_letter_queue(world):
    await world.service.sync()
    order_id = unshipped(world)
    world.sandbox.ship_order(order_id)
    store = store_of(world)
    url = world.service.settings.config.notifications.sqs_queue_url
    valid = order_change(store.seller_id, store.market.marketplace_id, order_id, world.clock())
    no_order = valid.replace(f'"AmazonOrderId": "{order_id}", ', "")
    send(url, "{not json", no_order, '{"NotificationType": "ANY_OFFER_CHANGED"}', valid)
    assert await receive_once(world) == [order_id], "the loop goes on past what it cannot read"
    health = world.service.notifications.health
    assert health.invalid == 3
    assert depth(url) == (0, 3), "only the applied message was deleted"


async def test_a_cancellation_is_confirmed_by_feed_processing_finished_alone(world):
    service = world.service
    await service.sync()
    service.leader.keep_lease = True  # only the leader consumes (and settles under its fence)
    service.leader.tick()
    order_id = unshipped(world)
    [submission] = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    world.sandbox.settle()  # Amazon processes the feed (no delay in this sandbox)
    feed = world.sandbox.db.query_one("SELECT * FROM feeds WHERE feed_id = ?", (submission.feed_id,))
    assert feed["processing_status"] == "DONE"
    store = store_of(world)
    send(
        service.settings.config.notifications.sqs_queue_url,
        feed_finished(store.seller_id, submission.feed_id, "DONE", feed["result_document_id"], world.clock()),
    )
    assert await receive_once(world) == [order_id]
    [entry] = service.journal.by_feed(submission.feed_id)
    assert (
        entry.state in (CancelState.CANCELED,)
        and service.order_summary(order_id).status is OrderStatus.CANCELLED
    )
    assert world.sandbox.count("getFeed") == 0, "no getFeed: the notification said it"


async def test_polling_slows_while_notifications_arrive_and_returns_when_sqs_is_down(world, tmp_path):
    from tests.support.world import build

    service = world.service
    leader, schedule = service.leader, service.shared_sync
    consumer = service.notifications
    assert schedule.poll_seconds == schedule.normal_poll_seconds, "nothing heard yet: normal polling"
    await receive_once(world)
    assert consumer.healthy() and schedule.poll_seconds == consumer.config.backup_poll_seconds
    leader.keep_lease = True  # a long-running process: it leads
    leader.tick()
    assert "Notifications: live, no message yet (0 applied)" in service.status_line()
    consumer.clock = lambda: time.time() + consumer.config.silence_seconds + 1
    consumer.health.last_receive = consumer.clock()  # SQS still answers its long polls, empty
    assert not consumer.healthy() and schedule.poll_seconds == schedule.normal_poll_seconds, "silent too long"
    assert "Notifications: live, none for 1 h — polling every" in service.status_line()

    down = build(
        tmp_path / "down",
        background=False,
        overrides={
            "notifications": {"sqs_queue_url": "http://127.0.0.1:9/123456789012/gone", "region": "us-east-1"}
        },
    )
    try:
        stop = asyncio.Event()
        task = asyncio.ensure_future(
            down.service.notifications.run(stop, leading=lambda: True, wait_seconds=1)
        )
        for _ in range(200):
            if down.service.notifications.health.state == "unreachable":
                break
            await asyncio.sleep(0.02)
        stop.set()
        await task
        down.service.leader.keep_lease = True
        down.service.leader.tick()
        line = down.service.status_line()
        assert (
            "SQS unreachable" in line
            and f"polling every {down.service.shared_sync.normal_poll_seconds:g} s" in line
        )
        assert down.service.shared_sync.poll_seconds == down.service.shared_sync.normal_poll_seconds
        assert SECRET_KEY not in line and ACCESS_KEY not in line
    finally:
        down.sandbox.close()


async def test_a_failed_getorder_leaves_the_message_for_sqs_to_deliver_again(world):
    await world.service.sync()
    order_id = unshipped(world)
    world.sandbox.ship_order(order_id)
    store = store_of(world)
    url = world.service.settings.config.notifications.sqs_queue_url
    send(
        url,
        order_change(store.seller_id, store.market.marketplace_id, order_id, world.clock()).replace(
            'Z"', '"', 1
        ),
    )  # no offset: UTC
    world.sandbox.inject_fault("getOrder", "500", count=50)
    assert await receive_once(world) == []
    health = world.service.notifications.health
    assert health.failed == 1 and "500" in (health.last_failure or "") and depth(url) == (0, 1)
    assert world.service.order_summary(order_id).status is OrderStatus.UNSHIPPED
