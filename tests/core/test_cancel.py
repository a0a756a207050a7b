"""Cancellation against the sandbox: exactly one feed, journaled, confirmed by Amazon's report."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from amazon_tui.core.cancel.feed_xml import CancelMessage, build_cancellation_feed
from amazon_tui.core.cancel.rules import CANCELED_NOTE, CancelRefused, ReadOnlySession, Submission
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.local.journal import CancelState
from amazon_tui.local.lease import Fence

EXAMPLE_FEED = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "spapi"
    / "examples"
    / "cancellation_feed_constructed.xml"
)


def cancelable_ids(service, store: str = "Acme US", n: int = 1) -> list[str]:
    rows = service.orders(OrderQuery(stores=(store,), statuses=(OrderStatus.UNSHIPPED,)), limit=500)
    ids = [
        row.order_id
        for row in rows
        if row.fulfilled_by and row.fulfilled_by.value == "MERCHANT" and row.cancel_state is None
    ]
    assert len(ids) >= n
    return ids[:n]


def amazon_status(world, order_id: str) -> str:
    return world.sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"]


async def test_cancel_one_order_end_to_end(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable_ids(service)
    world.sandbox.clear_log()
    [submission] = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    assert submission.refused == () and submission.feed_id
    assert service.order_summary(order_id).status_label == "Canceling…"
    [entry] = await service.finish_cancellations([submission])
    assert entry.state is CancelState.CANCELED
    assert amazon_status(world, order_id) == "CANCELLED"
    assert world.sandbox.count("createFeed") == 1
    summary = service.order_summary(order_id)
    assert (summary.status, summary.status_label, summary.notes) == (
        OrderStatus.CANCELLED,
        "Canceled",
        CANCELED_NOTE,
    )
    assert service.cached_order(order_id).items_unshipped == 0
    magento = world.sandbox.magento_order_for(order_id)
    assert magento is not None and magento["state"] == "closed"
    outcomes = [a.outcome for a in service.audit() if a.order_id == order_id]
    assert outcomes == ["magento-refund", "canceled", "submitted", "requested"]


@pytest.mark.skipif(not EXAMPLE_FEED.is_file(), reason=f"{EXAMPLE_FEED} is not beside this clone")
async def test_feed_xml_has_the_structure_of_the_reference(world):
    body = build_cancellation_feed(
        "A1SELLER",
        [
            CancelMessage("111-1", ("i1", "i2"), CancelReason.BUYER_CANCELED),
            CancelMessage("111-2", ("i3",), CancelReason.NO_INVENTORY),
        ],
    )
    ours, reference = SafeET.fromstring(body), SafeET.fromstring(EXAMPLE_FEED.read_bytes())

    def shape(element):
        return (element.tag, tuple(sorted({shape(child) for child in element})))

    assert shape(ours) == shape(reference)
    assert ours.findtext("Header/MerchantIdentifier") == "A1SELLER"
    assert [m.findtext("MessageID") for m in ours.findall("Message")] == ["1", "2"]
    assert [i.findtext("AmazonOrderItemCode") for i in ours.findall("Message/OrderAcknowledgement/Item")] == [
        "i1",
        "i2",
        "i3",
    ]
    assert {i.findtext("CancelReason") for i in ours.findall("Message[1]/OrderAcknowledgement/Item")} == {
        "BuyerCanceled"
    }


async def test_confirm_twice_sends_one_feed(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable_ids(service)
    world.sandbox.clear_log()
    first, second = await asyncio.gather(
        service.cancel([order_id], CancelReason.NO_INVENTORY),
        service.cancel([order_id], CancelReason.NO_INVENTORY),
    )
    submissions = first + second
    # The second Confirm picks the first one's row up (issue 29: re-running finishes, never refuses
    # an unfinished cancellation): one row, whoever reports it, and one feed.
    assert {entry.id for s in submissions for entry in s.submitted} == {service.journal.live(order_id).id}
    assert [r.describe() for s in submissions for r in s.refused] in (
        [],
        [f"Order {order_id} has already been canceled by {service.journal.live(order_id).operator}."],
    )
    await service.finish_cancellations(submissions)
    assert world.sandbox.count("createFeed") == 1


async def test_two_processes_cancelling_the_same_order_send_one_feed(world):
    one, two = world.open_service(), world.open_service()
    await one.sync()
    [order_id] = cancelable_ids(one)
    world.sandbox.clear_log()
    results = await asyncio.gather(
        one.cancel([order_id], CancelReason.NO_INVENTORY),
        two.cancel([order_id], CancelReason.CUSTOMER_EXCHANGE),
    )
    # both processes carry the one row the journal let through; one feed
    assert len({entry.id for r in results for s in r for entry in s.submitted}) == 1
    assert world.sandbox.count("createFeed") == 1


async def test_cancel_again_while_canceling_is_refused(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable_ids(service)
    await service.cancel([order_id], CancelReason.NO_INVENTORY)
    order = service.cached_order(order_id)
    live = service.journal.live(order_id)
    assert service.cancel_refusal(order).reason == (
        f"This order is already being canceled (requested by {live.operator} "
        f"at {live.requested_at:%Y-%m-%d %H:%M} UTC)."
    )


async def test_restart_after_submission_finishes_without_a_second_feed(world):
    crashed = world.open_service()
    await crashed.sync()
    [order_id] = cancelable_ids(crashed)
    world.sandbox.clear_log()
    await crashed.cancel([order_id], CancelReason.NO_INVENTORY)
    await crashed.aclose()  # the process dies before the report arrives
    restarted = world.open_service()
    assert [e.state for e in restarted.pending_cancellations()] == [CancelState.SUBMITTED]
    results = await restarted.resume_cancellations()
    assert [(e.order_id, e.state) for e in results] == [(order_id, CancelState.CANCELED)]
    assert world.sandbox.count("createFeed") == 1
    assert amazon_status(world, order_id) == "CANCELLED"
    assert restarted.pending_cancellations() == []


async def test_order_shipped_before_confirming_is_refused_without_a_feed(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable_ids(service)
    assert service.cancel_refusal(service.cached_order(order_id)) is None  # the cache still says Unshipped
    world.sandbox.ship_order(order_id)
    world.sandbox.clear_log()
    [submission] = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    assert submission.submitted == ()
    [refused] = submission.refused
    refused_id, why = refused.order_id, refused.describe()
    assert refused_id == order_id and "Shipped" in why and "Seller Central" in why
    assert world.sandbox.count("createFeed") == 0
    assert service.order_summary(order_id).status is OrderStatus.SHIPPED


async def test_report_error_fails_the_entry_and_keeps_the_status(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable_ids(service)
    [submission] = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    world.sandbox.ship_order(order_id)  # shipped while Amazon had the feed in its queue
    [entry] = await service.finish_cancellations([submission])
    assert entry.state is CancelState.FAILED
    assert entry.message.startswith("Unable to cancel the order. Please try again. Amazon: ")
    assert len(entry.message) > len("Unable to cancel the order. Please try again. Amazon: ")
    assert amazon_status(world, order_id) == "SHIPPED"
    assert service.order_summary(order_id).status is not OrderStatus.CANCELLED
    assert next(a.outcome for a in service.audit() if a.order_id == order_id) == "failed"


async def test_bulk_cancel_of_ten_orders_is_one_feed(world):
    service = world.open_service()
    await service.sync()
    ids = cancelable_ids(service, n=10)
    world.sandbox.clear_log()
    submissions = await service.cancel(ids, CancelReason.GENERAL_ADJUSTMENT)
    entries = await service.finish_cancellations(submissions)
    assert world.sandbox.count("createFeed") == 1
    assert sorted(e.order_id for e in entries if e.state is CancelState.CANCELED) == sorted(ids)
    assert all(amazon_status(world, order_id) == "CANCELLED" for order_id in ids)


async def test_read_only_refuses(world):
    service = world.open_service(read_only=True)
    await service.sync()
    [order_id] = cancelable_ids(service)
    assert "read-only" in service.cancel_refusal(service.cached_order(order_id)).reason
    with pytest.raises(CancelRefused):
        await service.cancel([order_id], CancelReason.NO_INVENTORY)


async def test_create_feed_failure_that_never_reached_amazon_is_resent_once_on_resume(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable_ids(service)
    world.sandbox.clear_log()
    world.sandbox.inject_fault("createFeed", "500", count=None)
    with pytest.raises(Exception):  # noqa: B017 - any failure: the test is about what resume does next
        await service.cancel([order_id], CancelReason.NO_INVENTORY)
    world.sandbox.clear_faults()
    assert [e.state for e in service.pending_cancellations()] == [CancelState.SENDING]  # answer lost
    results = await service.resume_cancellations()
    assert [(e.order_id, e.state) for e in results] == [(order_id, CancelState.CANCELED)]
    assert world.sandbox.count("createFeed", 202) == 1


async def test_unreadable_create_feed_answer_is_not_taken_as_not_sent(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable_ids(service)
    world.sandbox.clear_log()
    world.sandbox.inject_fault("createFeed", "malformed_json", count=1)
    with pytest.raises(Exception, match="createFeed"):
        await service.cancel([order_id], CancelReason.NO_INVENTORY)
    [pending] = service.pending_cancellations()
    assert pending.state is CancelState.SENDING and "outcome unknown" in pending.message
    results = await service.resume_cancellations()
    assert world.sandbox.count("getFeeds") == 1  # asked Amazon before sending again
    assert [(e.order_id, e.state) for e in results] == [(order_id, CancelState.CANCELED)]
    feeds = world.sandbox.db.query("SELECT COUNT(*) AS n FROM feeds")[0]["n"]
    assert feeds == 1  # the unreadable answer had created nothing, so exactly one feed exists


async def test_every_public_cancel_path_refuses_in_a_read_only_session(world):
    """Read-only is the session's: no journal row and no request to Amazon, whatever asks."""
    writer = world.open_service()
    await writer.sync()
    first, second = cancelable_ids(writer, n=2)
    world.sandbox.inject_fault("createFeed", "500", count=None)
    with pytest.raises(Exception):  # noqa: B017 - any failure: it only sets up an unfinished row
        await writer.cancel([first], CancelReason.NO_INVENTORY)  # leaves an unfinished row
    world.sandbox.clear_faults()
    [unfinished] = writer.pending_cancellations()

    service = world.open_service(read_only=True)
    rows_before = [(e.id, e.state) for e in service.journal.all()]
    world.sandbox.clear_log()
    engine = service.cancellations
    for attempt in (
        lambda: service.cancel([second], CancelReason.NO_INVENTORY),
        lambda: service.finish_cancellations([Submission((unfinished,), (), None)]),
        lambda: engine.drive_once(fence=Fence(service.leader.peer_id, 1)),
        lambda: service.driver.drive(),
        lambda: service.driver.finish([unfinished]),
    ):
        with pytest.raises(ReadOnlySession):
            await attempt()
    assert await service.resume_cancellations() == []  # start-up's resume: left to a session that may write
    assert service.cancel_refusal(service.cached_order(second)).code.value == "read_only"
    assert [(e.id, e.state) for e in service.journal.all()] == rows_before
    assert (
        sum(
            world.sandbox.count(op)
            for op in ("createFeedDocument", "createFeed", "getFeed", "getFeedDocument")
        )
        == 0
    )
