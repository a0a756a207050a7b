"""A big store's queue and lists cost one page (issue 32): the most urgent orders come from SQL."""

from __future__ import annotations

from collections import Counter

from amazon_tui.domain.attention import BUYER_CANCEL, DUE, LATE


async def test_the_most_urgent_orders_of_the_queue_are_its_head_and_the_counts_cover_it_all(world):
    service = world.open_service()
    await service.sync()
    queue = service.attention()
    assert len(queue) > 10
    for limit in (1, 5, 10, len(queue), len(queue) + 5):
        assert [item.order.order_id for item in service.attention(limit=limit)] == [
            item.order.order_id for item in queue[:limit]
        ]
        assert [(item.kind, item.buyer_reason) for item in service.attention(limit=limit)] == [
            (item.kind, item.buyer_reason) for item in queue[:limit]
        ]
    kinds = Counter(item.kind for item in queue)
    counts = service.attention_counts().values()
    assert sum(count.buyer_cancel for count in counts) == kinds[BUYER_CANCEL]
    assert sum(count.late for count in counts) == kinds[LATE]
    assert sum(count.due_soon for count in counts) == kinds[DUE]
