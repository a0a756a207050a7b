"""What each command-line value may be: checked and bounded by the parser, before any use.

Every value is refused in one line (exit 2, ``usage``) when it is out of its bounds, so no
command hands SQLite, httpx or a service an unbounded string or number. A refused value is
quoted inert and cut to a few dozen characters. docs/decisions.md says where the bounds
come from.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from amazon_tui.cli.errors import UsageError
from amazon_tui.domain.values import CancelReason, OrderStatus, SortField

if TYPE_CHECKING:
    from decimal import Decimal

WORD_MAX = 4096  # PATH_MAX on Linux: the longest value any option takes (--config PATH)
ORDER_NUMBER_MAX = 100  # Amazon's feed schema bounds an AmazonOrderID at 100 characters
ORDER_NUMBER = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
TEXT_MAX = 200  # a buyer's name, a store's name
NUMBER_TEXT_MAX = 32
DATE_TEXT_MAX = 40
LIMIT_MAX = 1_000_000
AMOUNT_MAX = 1_000_000_000
SHOWN_MAX = 40


def shown(text: str) -> str:
    """``text`` quoted for an error line: inert, and cut (with its length) when long."""
    from amazon_tui.cli.output import safe_text

    if len(text) <= SHOWN_MAX:
        return f"'{safe_text(text)}'"
    return f"'{safe_text(text[:SHOWN_MAX])}…' ({len(text):,} characters)"


def check_words(argv: Sequence[str]) -> None:
    """Refuse a word no option takes: longer than a path can be, or holding a NUL (no shell passes one)."""
    for word in argv:
        if len(word) > WORD_MAX:
            raise UsageError(
                f"the value {shown(word)} is too long: no option takes over {WORD_MAX:,} characters"
            )
        if "\x00" in word:
            raise UsageError(f"the value {shown(word)} holds a NUL character")


def _text_ok(text: str, limit: int) -> bool:
    """At most ``limit`` characters, all of them encodable (no undecodable bytes from the terminal)."""
    if len(text) > limit:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def order_number(text: str) -> str:
    """An Amazon order number: ASCII letters and digits in groups joined by hyphens."""
    if len(text) > ORDER_NUMBER_MAX or not ORDER_NUMBER.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"bad order number {shown(text)}: use Amazon's order number, like 123-1234567-1234567 "
            f"(letters and digits in groups joined by hyphens, at most {ORDER_NUMBER_MAX} characters)"
        )
    return text


def free_text(text: str) -> str:
    """A name or a part of one: at most TEXT_MAX characters of valid text."""
    if not _text_ok(text, TEXT_MAX):
        raise argparse.ArgumentTypeError(
            f"bad text {shown(text)}: use at most {TEXT_MAX} characters of valid UTF-8 text"
        )
    return text


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text) if len(text) <= NUMBER_TEXT_MAX else None
        except ValueError:
            value = None
        if value is None:
            raise argparse.ArgumentTypeError(f"{shown(text)} is not a whole number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range: use {low} to {high:,}")
        return value

    return parse


def amount(text: str) -> Decimal:
    """A money amount: a finite number from 0 to AMOUNT_MAX."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text) if len(text) <= NUMBER_TEXT_MAX else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise argparse.ArgumentTypeError(f"bad amount {shown(text)}: use a number like 25 or 19.99")
    if not 0 <= value <= AMOUNT_MAX:
        raise argparse.ArgumentTypeError(f"amount {shown(text)} is out of range: use 0 to {AMOUNT_MAX:,}")
    return value


def _date(text: str, *, end: bool) -> datetime:
    """A date (YYYY-MM-DD) or an ISO 8601 timestamp, in UTC; a bare date's end is its last second."""
    problem = argparse.ArgumentTypeError(f"bad date {shown(text)}: use YYYY-MM-DD or an ISO 8601 timestamp")
    if len(text) > DATE_TEXT_MAX:
        raise problem
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if len(text.strip()) == 10 and end:
            value = value.replace(hour=23, minute=59, second=59)
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: an offset that leaves the years 1-9999
        raise problem from None


def date_from(text: str) -> datetime:
    return _date(text, end=False)


def date_to(text: str) -> datetime:
    return _date(text, end=True)


# ASC shows "Completed" for an order Magento completed, which SP-API calls Shipped: the word is
# taken for Shipped, and help, errors and README say so in these words.
COMPLETED = "Completed"
COMPLETED_MEANS = "Completed (ASC's label for a shipped order) means Shipped"


def status_choices() -> str:
    """The statuses ``--status`` takes, as help and its error list them."""
    return ", ".join(f"{s.value} or {s.label}" for s in OrderStatus) + f"; {COMPLETED_MEANS}"


def status(text: str) -> OrderStatus:
    """An order status, as the API writes it or as ASC labels it (Completed is Shipped), any case."""
    if text.strip().lower() == COMPLETED.lower():
        return OrderStatus.SHIPPED
    try:
        return OrderStatus.from_label(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown order status {shown(text)}; use one of (any case): {status_choices()}"
        ) from None


def cancel_reason(text: str) -> CancelReason:
    """A cancellation reason: the feed value or its label, any case or spacing."""
    try:
        return CancelReason.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown cancel reason {shown(text)}; expected one of: "
            + ", ".join(r.value for r in CancelReason)
        ) from None


class Sort(NamedTuple):
    field: SortField
    descending: bool


def sort(text: str) -> Sort:
    """FIELD, FIELD:asc or FIELD:desc (-FIELD: descending); purchase_date alone is newest first."""
    field, _, direction = text.partition(":")
    try:
        chosen = SortField(field.strip().lstrip("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad --sort {shown(text)}; use FIELD or FIELD:asc / FIELD:desc with FIELD one of: "
            + ", ".join(f.value for f in SortField)
        ) from None
    if direction not in ("", "asc", "desc"):
        raise argparse.ArgumentTypeError(f"bad --sort direction {shown(direction)}; use asc or desc")
    descending = (
        direction == "desc" or field.startswith("-") or (not direction and chosen is SortField.PURCHASE_DATE)
    )
    return Sort(chosen, descending)


CARRIER_MAX = 100  # confirmShipment's carrierCode, carrierName, shippingMethod, trackingNumber
TRACKING = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*")
QUANTITY_MAX = 10_000


def carrier_text(text: str) -> str:
    """A carrier code or name, a shipping method: 1 to 100 characters of valid text."""
    if not text.strip() or not _text_ok(text, CARRIER_MAX):
        raise argparse.ArgumentTypeError(f"bad value {shown(text)}: use 1 to {CARRIER_MAX} characters")
    return text.strip()


def tracking_number(text: str) -> str:
    """A carrier's tracking number: letters, digits, and . _ / - or spaces, at most 100 characters."""
    if len(text) > CARRIER_MAX or not TRACKING.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(
            f"bad tracking number {shown(text)}: use letters, digits, spaces and . _ / - "
            f"(at most {CARRIER_MAX} characters)"
        )
    return text.strip()


def ship_date(text: str) -> datetime:
    """When the package was handed to the carrier: a date or an ISO 8601 timestamp, not in the future."""
    value = _date(text, end=False)
    if value > datetime.now(UTC):
        raise argparse.ArgumentTypeError(f"bad ship date {shown(text)}: it is in the future")
    return value


def sku_quantity(text: str) -> tuple[str, int]:
    """``SKU=QTY``: a seller SKU of the order and how many of it are in the package."""
    sku, sep, qty = text.rpartition("=")
    if not sep or not sku.strip() or not _text_ok(sku, CARRIER_MAX) or not qty.isdigit():
        raise argparse.ArgumentTypeError(f"bad item {shown(text)}: use SKU=QTY, like ABC-123=2")
    number = int(qty[:6]) if len(qty) <= 6 else QUANTITY_MAX + 1
    if not 1 <= number <= QUANTITY_MAX:
        raise argparse.ArgumentTypeError(f"bad quantity in {shown(text)}: use 1 to {QUANTITY_MAX:,}")
    return sku.strip(), number
