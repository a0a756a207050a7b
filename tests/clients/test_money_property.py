"""Property: Amazon's string amounts go through the wire model into exact domain Money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from amazon_tui.clients.amazon.orders_models import WireMoney

amounts = st.decimals(
    allow_nan=False, allow_infinity=False, places=None, min_value=-(10**12), max_value=10**12
)
currencies = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)


@given(amount=amounts, currency=currencies)
def test_decimal_strings_parse_exactly(amount: Decimal, currency: str):
    text = str(amount)
    money = WireMoney.model_validate({"amount": text, "currencyCode": currency}).to_money()
    assert money.amount == Decimal(text)
    assert str(money.amount) == text  # no rounding, no float detour: "299.90" stays "299.90"
    assert money.currency == currency


@given(amount=st.one_of(st.floats(allow_nan=True), st.integers(), st.none(), st.booleans()))
def test_non_string_amounts_are_refused(amount):
    with pytest.raises(ValidationError):
        WireMoney.model_validate({"amount": amount, "currencyCode": "USD"})


@given(text=st.text(max_size=12).filter(lambda t: not _is_finite_decimal(t)))
def test_non_decimal_strings_are_refused(text: str):
    with pytest.raises(ValidationError):
        WireMoney.model_validate({"amount": text, "currencyCode": "USD"})


def _is_finite_decimal(text: str) -> bool:
    try:
        return Decimal(text.strip()).is_finite()
    except ArithmeticError:
        return False
