"""`notifications setup | status | teardown` through the sandbox's Notifications API, and the
sandbox sending what Amazon sends once a seller subscribed."""

from __future__ import annotations

import argparse

from amazon_tui.cli.commands.notifications import notifications_command
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.local.journal import CancelState
from tests.support.notification_messages import ACCESS_KEY, SECRET_KEY
from tests.support.schemas import REFERENCE, needs_reference
from tests.support.sqs import receive_once, unshipped


async def _run(world, action: str, capsys) -> str:
    world.clock.advance(10)  # the sandbox's usage plans refill on its (fixed) clock
    assert await notifications_command(world.service, argparse.Namespace(), action=action) == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


def _sellers(world) -> int:
    return len({(s.api_endpoint, s.seller_id) for s in world.service.stores if s.active})


async def test_setup_is_idempotent_and_teardown_removes_what_it_made(world, capsys):
    first = await _run(world, "setup", capsys)
    assert "destination created" in first and first.count("subscribed (") == 2 * _sellers(world)
    second = await _run(world, "setup", capsys)
    assert "destination exists" in second and second.count("already subscribed") == 2 * _sellers(world)
    assert world.sandbox.count("createDestination") == 1
    assert world.sandbox.count("createSubscription") == 2 * _sellers(world)
    status = await _run(world, "status", capsys)
    assert "not subscribed" not in status and "missing" not in status and "0 waiting" in status
    assert ACCESS_KEY not in status + first and SECRET_KEY not in status + first
    await _run(world, "teardown", capsys)
    status = await _run(world, "status", capsys)
    assert (
        "missing (run: amazon-tui notifications setup)" in status and "ORDER_CHANGE not subscribed" in status
    )


async def test_once_subscribed_the_sandbox_notifies_and_a_cancellation_completes_on_the_notification(
    world, capsys
):
    service = world.service
    await service.sync()
    await _run(world, "setup", capsys)
    service.leader.keep_lease = True  # only the leader consumes (and settles under its fence)
    service.leader.tick()
    shipped = unshipped(world)
    world.sandbox.ship_order(shipped)  # Amazon sends ORDER_CHANGE
    assert await receive_once(world) == [shipped]
    assert service.order_summary(shipped).status is OrderStatus.SHIPPED

    order_id = unshipped(world)
    [submission] = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    world.sandbox.settle()  # Amazon processes the feed: FEED_PROCESSING_FINISHED and ORDER_CHANGE
    assert order_id in await receive_once(world)
    assert service.journal.by_feed(submission.feed_id)[0].state is CancelState.CANCELED
    assert service.order_summary(order_id).status is OrderStatus.CANCELLED
    assert world.sandbox.count("getFeed") == 0
    assert world.sandbox.notifier.failures == []


@needs_reference
async def test_what_the_sandbox_and_these_tests_send_is_valid_against_amazons_schemas(world, capsys):
    import json

    import jsonschema

    from tests.support.notification_messages import feed_finished, order_change
    from tests.support.sqs import sqs_client

    schemas = {
        name: json.loads((REFERENCE / "notifications" / f"{name}.json").read_text())
        for name in ("OrderChangeNotification", "FeedProcessingFinishedNotification")
    }
    service = world.service
    await service.sync()
    await _run(world, "setup", capsys)
    shipped = unshipped(world)
    world.sandbox.ship_order(shipped)
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=100)
    canceled = next(
        r.order_id for r in rows if r.order_id != shipped and service.cached_order(r.order_id).cancelable
    )
    [submission] = await service.cancel([canceled], CancelReason.NO_INVENTORY)
    assert submission.feed_id
    world.sandbox.settle()
    url = service.settings.config.notifications.sqs_queue_url
    bodies = [
        m["Body"]
        for m in sqs_client(url).receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    ]
    store = service.settings.config.store("Acme US")
    bodies += [
        order_change(store.seller_id, store.market.marketplace_id, "111-0000000-0000000", world.clock()),
        feed_finished(store.seller_id, submission.feed_id, "DONE", "doc", world.clock()),
    ]
    kinds = []
    for body in bodies:
        data = json.loads(body)
        kind = data.get("NotificationType") or data.get("notificationType")
        kinds.append(kind)
        schema = schemas[
            "OrderChangeNotification" if kind == "ORDER_CHANGE" else "FeedProcessingFinishedNotification"
        ]
        jsonschema.validate(data, schema)
    assert kinds.count("FEED_PROCESSING_FINISHED") == 2 and kinds.count("ORDER_CHANGE") >= 3


async def test_setup_refuses_a_read_only_session_and_a_config_without_notifications(tmp_path, queue_url):
    import pytest

    from amazon_tui.cli.errors import UsageError
    from tests.support.world import build

    read_only = build(
        tmp_path / "ro",
        background=False,
        read_only=True,
        overrides={"notifications": {"sqs_queue_url": queue_url}},
    )
    plain = build(tmp_path / "plain", background=False)
    try:
        with pytest.raises(UsageError, match="read-only"):
            await notifications_command(read_only.service, argparse.Namespace(), action="setup")
        with pytest.raises(UsageError, match=r"No \[notifications\]"):
            await notifications_command(plain.service, argparse.Namespace(), action="status")
        assert (
            plain.service.notifications is None
            and plain.service.shared_sync.poll_seconds == plain.service.shared_sync.normal_poll_seconds
        )
    finally:
        read_only.sandbox.close()
        plain.sandbox.close()
