"""Money and dates from Amazon: parsed exactly, or refused with a typed error naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from amazon_tui.clients.errors import MalformedResponse
from amazon_tui.core.service import AppService
from amazon_tui.sandbox import Sandbox
from tests.support.hostile import bump, unshipped_mfn
from tests.support.services import sandbox_settings


@pytest.fixture
def rig(tmp_path):
    sandbox = Sandbox(tmp_path / "sandbox.db", orders_per_store=30, time_scale=1000, feed_delay_seconds=0.1)
    service = AppService(sandbox_settings(tmp_path / "data"), transport=httpx.ASGITransport(app=sandbox.app))
    yield sandbox, service
    sandbox.close()


def edit(sandbox: Sandbox, order_id: str, change) -> None:
    doc = sandbox.db.amazon_order(order_id)
    change(doc)
    sandbox.db.save_amazon_order(bump(sandbox, doc))


def _total(doc, amount):
    doc["proceeds"]["grandTotal"]["amount"] = amount


def _discount(doc):
    doc["orderItems"][0]["proceeds"]["breakdowns"].append(
        {"type": "DISCOUNT", "subtotal": {"amount": "-5.125", "currencyCode": "USD"}}
    )


def _created(value):
    def change(doc):
        doc["createdTime"] = value

    return change


PARSED = [
    (
        "many decimals",
        lambda d: _total(d, "19.9999999999"),
        lambda o: o.total.amount == Decimal("19.9999999999"),
    ),
    ("negative promotion", _discount, lambda o: o.items[0].promotion_discount.amount == Decimal("-5.125")),
    (
        "naive timestamp is UTC",
        _created("2026-11-20T10:00:00"),
        lambda o: o.created == datetime(2026, 11, 20, 10, tzinfo=UTC),
    ),
    (
        "offset converted to UTC",
        _created("2026-11-20T10:00:00+05:30"),
        lambda o: o.created == datetime(2026, 11, 20, 4, 30, tzinfo=UTC),
    ),
    ("far past", _created("1970-01-01T00:00:00Z"), lambda o: o.created.year == 1970),
    ("far future", _created("9999-12-31T23:59:59Z"), lambda o: o.created.year == 9999),
]

REFUSED = [
    ("missing currency", lambda d: d["proceeds"]["grandTotal"].pop("currencyCode"), "currencyCode"),
    ("amount not a number", lambda d: _total(d, "12,50"), "amount"),
    ("amount infinite", lambda d: _total(d, "Infinity"), "amount"),
    ("amount as a float", lambda d: _total(d, 12.5), "amount"),
    (
        "currency not ISO",
        lambda d: d["proceeds"]["grandTotal"].__setitem__("currencyCode", "$$"),
        "currencyCode",
    ),
    ("date not a date", _created("next tuesday"), "createdTime"),
    (
        "mixed currencies in a breakdown",
        lambda d: d["orderItems"][0]["proceeds"]["breakdowns"].append(
            {"type": "ITEM", "subtotal": {"amount": "1.00", "currencyCode": "EUR"}}
        ),
        "breakdowns",
    ),
]


@pytest.mark.parametrize("name, change, check", PARSED, ids=[p[0] for p in PARSED])
async def test_parsed_exactly(rig, name, change, check):
    sandbox, service = rig
    order_id = unshipped_mfn(sandbox)[0]
    edit(sandbox, order_id, change)
    try:
        order = await service.refresh_order(order_id, force=True)
        assert check(order)
        assert check(service.cached_order(order_id))  # and stored as such
        assert service.order_summary(order_id) is not None
    finally:
        await service.aclose()


@pytest.mark.parametrize("name, change, field", REFUSED, ids=[r[0] for r in REFUSED])
async def test_refused_with_a_typed_error_naming_the_field(rig, name, change, field):
    sandbox, service = rig
    order_id = unshipped_mfn(sandbox)[0]
    edit(sandbox, order_id, change)
    try:
        with pytest.raises(MalformedResponse) as caught:
            await service.refresh_order(order_id, force=True)
        assert field in (caught.value.field or ""), caught.value.field
        assert field in str(caught.value) and "getOrder" in str(caught.value)
    finally:
        await service.aclose()


async def test_a_page_with_one_bad_order_fails_the_store_clearly_and_loses_nothing(rig):
    """The documented choice (docs/decisions.md): the page fails, the cursor stays, the message
    names the field."""
    sandbox, service = rig
    try:
        first = await service.sync(["Acme US"])
        assert not first.failures
        order_id = unshipped_mfn(sandbox)[0]
        edit(sandbox, order_id, lambda d: d["proceeds"]["grandTotal"].pop("currencyCode"))
        cursor = service.repo.cursor("Acme US", "amazon")
        outcome = await service.sync(["Acme US"])
        message = outcome.failures["Acme US"]
        assert "searchOrders" in message and "currencyCode" in message and "orders[" in message
        assert service.repo.cursor("Acme US", "amazon") == cursor  # nothing skipped for good
        assert service.store_card("Acme US").error == message  # shown on the card
        edit(sandbox, order_id, lambda d: d["proceeds"]["grandTotal"].__setitem__("currencyCode", "USD"))
        assert not (await service.sync(["Acme US"])).failures
    finally:
        await service.aclose()
