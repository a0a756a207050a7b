"""An order Amazon describes oddly is stored, never fatal; money is added up per currency (issue 30).

Amazon adds enum values (it did this year) and a hostile or broken server sends amounts no
store could hold: the page commits, the cursor moves, the order is listed as received with a
note naming the field, and it is never cancelable here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from tests.core.test_cancel import cancelable_ids
from tests.support.hostile import bump

SELLER = "A1SANDBOXACMEUS"


def change(world, order_id: str, edit) -> None:
    doc = world.sandbox.db.amazon_order(order_id)
    edit(doc)
    world.sandbox.db.save_amazon_order(bump(world.sandbox, doc))


def set_total(amount: str, currency: str = "USD"):
    def edit(doc: dict) -> None:
        doc["proceeds"]["grandTotal"] = {"amount": amount, "currencyCode": currency}

    return edit


async def test_an_unknown_status_is_kept_listed_and_never_canceled(world):
    service = world.open_service()
    await service.sync()
    odd, later = cancelable_ids(service, n=2)
    change(world, odd, lambda doc: doc["fulfillment"].update(fulfillmentStatus="EXPLODED"))
    outcome = await service.sync()
    assert outcome.failures == {}
    summary = service.order_summary(odd)
    assert summary.status == "EXPLODED" and not summary.status.is_known
    assert summary.status.label == "Unknown status EXPLODED"
    assert summary.notes.startswith("Amazon sent fulfillmentStatus EXPLODED, unknown to this version")
    assert service.count(OrderQuery(stores=("Acme US",), statuses=(OrderStatus("EXPLODED"),))) == 1
    refusal = service.cancel_refusal(service.cached_order(odd))
    assert refusal.reason == (
        "Amazon reports a status this version does not know (EXPLODED): "
        "cancel it through your Amazon Seller Central account."
    )
    [submission] = await service.cancel([odd], CancelReason.NO_INVENTORY)
    assert not submission.submitted and len(submission.refused) == 1
    # the cursor moved past it: a later change of another order arrives
    world.sandbox.ship_order(later)
    assert (await service.sync()).failures == {}
    assert service.order_summary(later).status is OrderStatus.SHIPPED


@pytest.mark.parametrize("amount", ["99999999999999999999999999.99", "1e400", "-1E+30"])
async def test_an_amount_beyond_what_can_be_summed_is_kept_and_left_out(world, amount):
    service = world.open_service()
    await service.sync()
    before = service.revenue("Acme US", 30)
    [odd] = cancelable_ids(service)
    old_total = service.order_summary(odd).total.amount
    change(world, odd, set_total(amount))
    assert (await service.sync()).failures == {}
    summary = service.order_summary(odd)
    assert summary.total.amount == Decimal(amount)
    assert f"Amazon sent grandTotal {Decimal(amount)} USD: too large to add up" in summary.notes
    assert summary.total.format() == f"USD {Decimal(amount)}", "shown as received"
    after = service.revenue("Acme US", 30)
    assert after.gmv == before.gmv - old_total and after.lifetime == before.lifetime - old_total
    assert after.unsummed == before.unsummed + 1


async def test_an_order_in_another_currency_is_counted_apart(world):
    service = world.open_service()
    await service.sync()
    before = service.revenue("Acme US", 30)
    [odd] = cancelable_ids(service)
    old_total = service.order_summary(odd).total.amount
    change(world, odd, set_total("5000", "JPY"))
    assert (await service.sync()).failures == {}
    after = service.revenue("Acme US", 30)
    assert after.currency == "USD"
    assert after.gmv == before.gmv - old_total, "the JPY order is not in the USD sales"
    assert [(t.currency, t.amount, t.orders) for t in after.elsewhere] == [("JPY", Decimal(5000), 1)]
    assert sum(after.daily) == after.gmv
    assert service.order_summary(odd).total.format() == "JPY 5,000"
