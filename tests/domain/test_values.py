"""Domain: money from Amazon's string amounts, statuses and reasons with ASC labels."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amazon_tui.domain.models import Money
from amazon_tui.domain.values import MARKETPLACES, CancelReason, MoneyError, OrderStatus, find_marketplace


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    st.sampled_from(["USD", "gbp", " EUR "]),
)
def test_money_parses_amazon_strings_exactly(value, currency):
    money = Money.parse(str(value), currency)
    assert money.amount == value
    assert money.currency == currency.strip().upper()


@given(st.text(max_size=12).filter(lambda s: s.strip() != ""))
def test_money_refuses_what_is_not_a_number(text):
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        with pytest.raises(MoneyError):
            Money.parse(text, "USD")
    else:
        if value.is_finite():
            assert Money.parse(text, "USD").amount == value
        else:
            with pytest.raises(MoneyError):
                Money.parse(text, "USD")


@pytest.mark.parametrize(
    "amount, currency",
    [(None, "USD"), ("", "USD"), ("1.00", None), ("1.00", "US"), ("1.00", "12$"), (1.5, "USD")],
)
def test_money_refusals_are_clear(amount, currency):
    with pytest.raises(MoneyError):
        Money.parse(amount, currency)


def test_money_format_keeps_precision():
    assert Money.parse("1234.5", "USD").format() == "USD 1,234.50"
    assert Money.parse("0.125", "EUR").format() == "EUR 0.125"
    assert Money.parse("-5", "GBP").format() == "GBP -5.00"


def test_statuses_have_asc_labels():
    assert OrderStatus.UNSHIPPED.label == "Unshipped"
    assert OrderStatus.PARTIALLY_SHIPPED.label == "Partially Shipped"
    assert OrderStatus.CANCELLED.label == "Canceled"
    assert OrderStatus.from_label("canceled") is OrderStatus.CANCELLED
    assert OrderStatus.from_label("Partially Shipped") is OrderStatus.PARTIALLY_SHIPPED
    with pytest.raises(ValueError):
        OrderStatus.from_label("Lost")


def test_the_ten_cancel_reasons():
    assert len(CancelReason) == 10
    assert CancelReason.RISK_ASSESSMENT_INFORMATION_NOT_VALID.label == "Risk Assessment Information Not Valid"
    assert CancelReason.parse("no inventory") is CancelReason.NO_INVENTORY
    assert CancelReason.parse("BuyerCanceled") is CancelReason.BUYER_CANCELED
    with pytest.raises(ValueError, match="NoInventory"):
        CancelReason.parse("because")


def test_marketplaces():
    codes = {m.code for m in MARKETPLACES}
    assert {"US", "CA", "MX", "GB", "DE", "FR", "IT", "ES", "JP", "AU"} <= codes
    assert find_marketplace("gb").currency == "GBP"
    assert find_marketplace("A1VC38T7YXB528").code == "JP"
    assert find_marketplace("XX") is None
