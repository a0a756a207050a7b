"""The money path never lies (issue 29): a cancellation is Canceled, and refunded in Magento,
only when Amazon's own order says so; the report is evidence per MessageID; no feed is adopted;
a process that lost the lease writes nothing; no refund is skipped or made twice.

Each test plays one hostile behaviour of Amazon or Magento through the sandbox (its report
modes, another application's feed, faults) and checks that the journal, the audit, Magento's
credit memos and Amazon's own order agree.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from amazon_tui.core.cancel.rules import FAILURE_MESSAGE
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.local.fenced import LeaseLost
from amazon_tui.local.journal import CancelState, Failure, RowMoved


def cancelable(service, n: int = 1, *, with_magento: bool = True) -> list[str]:
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=500)
    ids = [
        row.order_id
        for row in rows
        if row.fulfilled_by is not None
        and row.fulfilled_by.value == "MERCHANT"
        and row.cancel_state is None
        and (service.magento_link(row.order_id) is not None) == with_magento
    ]
    assert len(ids) >= n
    return ids[:n]


def amazon_status(world, order_id: str) -> str:
    return world.sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"]


def credit_memos(world, order_id: str) -> int:
    magento = world.sandbox.magento_order_for(order_id)
    if magento is None:
        return 0
    return world.sandbox.db.query(
        "SELECT COUNT(*) FROM credit_memos WHERE order_id = ?", (magento["entity_id"],)
    )[0][0]


def outcomes(service, order_id: str) -> list[str]:
    return [entry.outcome for entry in reversed(service.audit()) if entry.order_id == order_id]


async def finish(service, submissions, seconds: float = 5.0):
    return await service.cancel_desk.driver.finish(
        [e for s in submissions for e in (*s.submitted, *s.queued)], deadline=seconds
    )


async def test_a_feed_amazon_rejected_whole_cancels_and_refunds_nothing(world):
    """MessagesProcessed 0 and one Error about MessageID 0 (an unparseable feed): before issue 29
    both orders were shown Canceled and refunded while Amazon kept them Unshipped."""
    service = world.open_service()
    await service.sync()
    first, second = cancelable(service, 2)
    world.sandbox.set_report_mode("reject")
    submissions = await service.cancel([first, second], CancelReason.NO_INVENTORY)
    entries = await finish(service, submissions)
    assert [e.state for e in entries] == [CancelState.FAILED, CancelState.FAILED]
    assert {e.failure for e in entries} == {Failure.REFUSED_BY_AMAZON}
    assert all(e.message.startswith(f"{FAILURE_MESSAGE} Amazon: XML Parsing Error") for e in entries)
    for order_id in (first, second):
        assert amazon_status(world, order_id) == "UNSHIPPED"
        assert credit_memos(world, order_id) == 0
        assert service.order_summary(order_id).status is OrderStatus.UNSHIPPED
        assert "canceled" not in outcomes(service, order_id) and "failed" in outcomes(service, order_id)


async def test_an_empty_report_leaves_the_orders_awaiting_amazon_then_fails_them(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    world.sandbox.set_report_mode("empty")
    submissions = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    [entry] = await finish(service, submissions, seconds=1.0)
    assert entry.state is CancelState.CONFIRMING and entry.report == "none", "awaiting Amazon, never canceled"
    assert service.order_summary(order_id).status_label == "Canceling…"
    assert credit_memos(world, order_id) == 0 and amazon_status(world, order_id) == "UNSHIPPED"
    service.cancellations.settler.give_up = {"none": timedelta(0)}  # the order stayed open too long
    service.cancellations.retry_now()
    [entry] = await finish(service, submissions, seconds=1.0)
    assert entry.state is CancelState.FAILED and entry.failure is Failure.NOT_CANCELED
    assert "accounted for nothing of our feed" in entry.message
    assert credit_memos(world, order_id) == 0


async def test_errors_are_mapped_by_our_message_ids_not_by_row_ids(world):
    """Errors naming only a MessageID: the order Amazon refused fails, the one it canceled is
    canceled and refunded once (issue 29 found them swapped)."""
    service = world.open_service()
    await service.sync()
    first, second = cancelable(service, 2)
    world.sandbox.set_report_mode("message_ids_only")
    world.sandbox.feed_delay_seconds = 3600 * world.sandbox.time_scale  # Amazon keeps the feed queued
    submissions = await service.cancel([second, first], CancelReason.NO_INVENTORY)  # `second` is message 1
    by_order = {e.order_id: e for e in submissions[0].submitted}
    assert (by_order[second].message_id, by_order[first].message_id) == (1, 2)
    world.sandbox.ship_order(first)  # message 2's order ships while the feed is queued
    world.sandbox.feed_delay_seconds = 0
    entries = {e.order_id: e for e in await finish(service, submissions)}
    assert entries[first].state is CancelState.FAILED and "shipped items" in entries[first].cause
    assert entries[second].state is CancelState.CANCELED and entries[second].magento_done
    assert (credit_memos(world, first), credit_memos(world, second)) == (0, 1)
    assert (amazon_status(world, first), amazon_status(world, second)) == ("SHIPPED", "CANCELLED")


async def test_a_success_amazons_order_does_not_show_yet_waits_for_the_order(world):
    """The report says success, the order is still Unshipped: awaiting Amazon; once Amazon's
    order is canceled, the row is canceled and refunded, once."""
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    world.sandbox.set_report_mode("unconfirmed")
    submissions = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    [entry] = await finish(service, submissions, seconds=1.0)
    assert (entry.state, entry.report) == (CancelState.CONFIRMING, "success")
    assert credit_memos(world, order_id) == 0
    world.sandbox.set_report_mode("normal")
    world.sandbox.foreign_feed("Acme US", [order_id], status_code="Failure")  # Amazon's order catches up
    world.sandbox.settle()
    service.cancellations.retry_now()
    [entry] = await finish(service, submissions)
    assert entry.state is CancelState.CANCELED and entry.magento_done
    assert credit_memos(world, order_id) == 1
    assert "Confirmed from Amazon's order" in next(
        e.message for e in service.audit() if e.order_id == order_id and e.outcome == "canceled"
    )


async def test_a_lost_createfeed_answer_never_adopts_another_applications_feed(world):
    """createFeed answered 5xx (it may have reached Amazon) while another application of the same
    seller sent an acknowledgement feed: it is not ours; once every feed around the attempt is
    finished and the order is still open, ours is sent once more, and the audit says why."""
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    world.sandbox.inject_fault("createFeed", "503", count=1)
    with pytest.raises(Exception, match="503"):
        await service.cancel([order_id], CancelReason.NO_INVENTORY)
    [row] = service.pending_cancellations()
    assert row.state is CancelState.SENDING and row.attempts == 1
    world.sandbox.foreign_feed("Acme US", [order_id], status_code="Success")  # an ERP acknowledges it
    await service.resume_cancellations()
    entry = service.cancellation(order_id)
    assert entry.state is CancelState.CANCELED and entry.attempts == 2 and entry.magento_done
    assert amazon_status(world, order_id) == "CANCELLED" and credit_memos(world, order_id) == 1
    assert outcomes(service, order_id) == ["requested", "resend", "submitted", "canceled", "magento-refund"]


async def test_a_lost_answer_whose_feed_canceled_the_order_is_confirmed_from_the_order(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    world.sandbox.inject_fault("createFeed", "503", count=1)
    with pytest.raises(Exception, match="503"):
        await service.cancel([order_id], CancelReason.NO_INVENTORY)
    world.sandbox.foreign_feed("Acme US", [order_id], status_code="Failure")  # the order is canceled
    await service.resume_cancellations()
    entry = service.cancellation(order_id)
    assert entry.state is CancelState.CANCELED and entry.attempts == 1, "nothing sent again"
    assert world.sandbox.count("createFeed", 202) == 0
    assert credit_memos(world, order_id) == 1


async def test_a_process_that_lost_the_lease_moves_nothing_and_sends_nothing(world):
    one, two = world.open_service(), world.open_service()
    await one.sync()
    [order_id] = cancelable(one)
    entry = one.cancel_records.request(order_id, "Acme US", CancelReason.NO_INVENTORY)
    assert one.coordination.acquire()
    stale = one.leader.fence()
    one.db.query("SELECT 1")
    with one.db.transaction() as conn:  # one froze past its lease; two takes it (a new epoch)
        conn.execute("UPDATE lease SET expires = 0")
    assert two.coordination.acquire() and two.leader.fence().epoch == stale.epoch + 1
    world.sandbox.clear_log()
    with pytest.raises(LeaseLost):
        one.journal.move(entry, CancelState.VERIFIED, stale, now=one.clock())
    assert await one.cancellations.drive_once(fence=stale) == []
    assert one.journal.get(entry.id).state is CancelState.REQUESTED
    assert sum(world.sandbox.count(op) for op in ("getOrder", "createFeedDocument", "createFeed")) == 0


async def test_a_final_row_never_changes(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    submissions = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    [entry] = await finish(service, submissions)
    assert entry.state is CancelState.CANCELED
    assert service.coordination.acquire()
    fence = service.leader.fence()
    stale = entry.__class__(**{**entry.__dict__, "state": CancelState.CONFIRMING})
    with pytest.raises(RowMoved):
        service.journal.move(stale, CancelState.FAILED, fence, now=service.clock())
    assert service.cancellation(order_id).state is CancelState.CANCELED


async def test_a_magento_order_the_link_index_lacks_is_found_and_refunded_once(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    with service.db.transaction() as conn:  # the index missed it (Magento's search failed during sync)
        conn.execute("DELETE FROM magento_links WHERE order_id = ?", (order_id,))
    submissions = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    [entry] = await finish(service, submissions)
    assert entry.state is CancelState.CANCELED and entry.magento_done
    assert credit_memos(world, order_id) == 1
    assert service.magento_link(order_id) is not None  # the index learned it
    assert outcomes(service, order_id)[-1] == "magento-refund"


async def test_a_failing_magento_step_is_kept_visible_and_retried_never_dropped(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    world.sandbox.inject_fault("magentoGetOrder", "500", count=None)
    submissions = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    [entry] = await finish(service, submissions, seconds=1.0)
    assert entry.state is CancelState.CANCELED and not entry.magento_done
    assert "Magento refund failed" in entry.magento_error
    assert entry.id in {e.id for e in service.pending_cancellations()}
    assert outcomes(service, order_id).count("magento-failed") == 1, "one audit row per distinct failure"
    [first] = service.attention()[:1]  # money first: at the top of Attention, with Magento's words
    assert (first.order.order_id, first.label) == (
        order_id,
        "Magento refund failing",
    ) and "500" in first.problem
    world.sandbox.clear_faults()
    service.cancellations.retry_now()
    [entry] = await finish(service, submissions)
    assert entry.magento_done and entry.magento_error is None
    assert credit_memos(world, order_id) == 1
    assert order_id not in {item.order.order_id for item in service.attention()}


async def test_a_refund_already_in_magento_is_not_made_twice(world):
    service = world.open_service()
    await service.sync()
    [order_id] = cancelable(service)
    world.sandbox.inject_fault("magentoGetOrder", "500", count=None)  # the Magento step fails for now
    submissions = await service.cancel([order_id], CancelReason.NO_INVENTORY)
    await finish(service, submissions, seconds=0.5)
    magento = world.sandbox.magento_order_for(order_id)
    magento["total_refunded"] = magento["grand_total"]  # someone refunded it in the admin meanwhile
    world.sandbox.db.save_magento_order(magento)
    world.sandbox.clear_faults()
    service.cancellations.retry_now()
    [entry] = await finish(service, submissions)
    assert entry.magento_done and credit_memos(world, order_id) == 0
    assert "already holds a refund" in next(
        e.message for e in service.audit() if e.order_id == order_id and e.outcome == "magento-refund"
    )


async def test_a_read_only_process_never_leads_and_stalls_nobody(world):
    reader = world.open_service(read_only=True)
    reader.leader.keep_lease = True
    assert reader.leader.tick() is False and reader.leader.fence() is None
    writer = world.open_service()
    await writer.sync()
    [order_id] = cancelable(writer)
    reader.leader.tick()
    submissions = await writer.cancel([order_id], CancelReason.NO_INVENTORY)
    [entry] = await finish(writer, submissions)
    assert entry.state is CancelState.CANCELED and entry.magento_done
    assert reader.leader.tick() is False


async def test_an_id_no_feed_can_carry_fails_that_order_alone_and_the_others_are_sent(world):
    """Amazon answers an item id holding U+FFFE (XML cannot carry it): that order fails before any
    feed, with why; the order asked with it goes in a feed of its own, as usual."""
    service = world.open_service()
    await service.sync()
    odd, fine = cancelable(service, 2)
    doc = world.sandbox.db.amazon_order(odd)
    doc["orderItems"][0]["orderItemId"] = "7\ufffe7"
    world.sandbox.db.save_amazon_order(doc)
    submissions = await service.cancel([odd, fine], CancelReason.NO_INVENTORY)
    failed = {f.order_id: f.cause for s in submissions for f in s.failed}
    assert "no feed can carry" in failed[odd]
    assert [e.order_id for s in submissions for e in s.submitted] == [fine]
    assert world.sandbox.count("createFeed", 202) == 1
