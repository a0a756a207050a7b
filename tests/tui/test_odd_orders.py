"""What the operator sees of oddly described orders and of other currencies (issue 30)."""

from __future__ import annotations

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from tests.support.hostile import bump
from tests.support.pilot import settle, visible_text


def _edit(world, order_id: str, edit) -> None:
    doc = world.sandbox.db.amazon_order(order_id)
    edit(doc)
    world.sandbox.db.save_amazon_order(bump(world.sandbox, doc))


async def test_dashboard_counts_another_currency_apart_and_an_unknown_status_reads_as_such(world):
    service = world.service
    await service.sync()
    jpy, odd = [
        s.order_id
        for s in service.orders(
            OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=2, offset=0
        )
    ]
    _edit(world, jpy, lambda d: d["proceeds"].update(grandTotal={"amount": "5000", "currencyCode": "JPY"}))
    _edit(world, odd, lambda d: d["fulfillment"].update(fulfillmentStatus="EXPLODED"))
    assert (await service.sync()).failures == {}
    async with world.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "GMV (30 day) USD" in visible_text(world.app)
        world.app.navigator.open_store("Acme US")
        await settle(pilot)
        shown = visible_text(world.app)
        assert "+ JPY 5,000 (1 order) not in USD" in shown
        world.app.navigator.open_details(odd)
        await settle(pilot)
        assert "Unknown status EXPLODED" in visible_text(world.app)
