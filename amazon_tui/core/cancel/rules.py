"""What the app will cancel, the words it uses, and the typed outcomes of a submission.

Decisions are made on these values; text is made from them at the edge (a screen, a command).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from amazon_tui.domain.models import Order, not_cancelable_reason
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.journal import CancelState, JournalEntry, already

SUCCESS_MESSAGE = "The Amazon order has been canceled and the request has been submitted to Amazon."
# Said when the feed is sent: ASC's "has been canceled" waits for Amazon's order (a feed can be refused)
SUBMITTED_MESSAGE = "Submitted to Amazon: the order shows Canceled once Amazon's order says so."
FAILURE_MESSAGE = "Unable to cancel the order. Please try again."
CANCELED_NOTE = "Status updated to canceled."
READ_ONLY_MESSAGE = "amazon-tui runs read-only: cancellation is switched off (--read-only or ui.read_only)."
FINAL_FEED_STATUSES = ("DONE", "FATAL", "CANCELLED")


class RefusalCode(str, Enum):
    """Why the app will not cancel an order; the values are the CLI's error codes."""

    READ_ONLY = "read_only"
    ALREADY_CANCELING = "already_canceling"
    AMAZON_FULFILLED = "amazon_fulfilled"
    NOT_CANCELABLE = "not_cancelable"


@dataclass(frozen=True)
class Refusal:
    """A rule's no, with the reason in ASC's words ("Shipped orders cannot be canceled: …")."""

    code: RefusalCode
    reason: str  # the sentence for a screen about this one order
    predicate: str | None = None  # ALREADY_CANCELING: "is already being canceled by alice since …"

    @classmethod
    def already_canceling(cls, state: CancelState, by: str | None, since: datetime | None) -> Refusal:
        predicate = already(state, by, since)
        return cls(RefusalCode.ALREADY_CANCELING, f"This order {predicate}", predicate)


@dataclass(frozen=True)
class Refused:
    """An order a submission left alone because a rule, or Amazon's fresh copy, said no.

    ``by_amazon``: the getOrder read right before sending said so (the status changed meanwhile).
    """

    order_id: str
    refusal: Refusal
    status: OrderStatus | None = None
    by_amazon: bool = False

    @property
    def code(self) -> RefusalCode:
        return self.refusal.code

    def describe(self) -> str:
        """ "Order 111-… (Shipped): Shipped orders cannot be canceled: …" and the like."""
        if self.refusal.predicate is not None:
            return f"Order {self.order_id} {self.refusal.predicate}"
        label = self.status.label if self.status is not None else "?"
        if self.by_amazon:
            return f"Amazon says the order is {label}: {self.refusal.reason}"
        return f"Order {self.order_id} ({label}): {self.refusal.reason}"


@dataclass(frozen=True)
class Failed:
    """An order a submission could not send: a service failed; nothing reached Amazon's queue."""

    order_id: str
    cause: str

    def describe(self) -> str:
        return f"{FAILURE_MESSAGE} {self.cause}"


@dataclass(frozen=True)
class Submission:
    """What a cancellation request did: the rows Amazon has (or may have: ``sending``), the
    orders refused, the orders that failed, and rows still waiting for the leader to send them."""

    submitted: tuple[JournalEntry, ...]
    refused: tuple[Refused, ...]
    feed_id: str | None
    failed: tuple[Failed, ...] = ()
    queued: tuple[JournalEntry, ...] = ()


class CancelRefused(Exception):
    """A cancellation that a rule forbids (not cancelable, duplicate, read-only)."""

    def __init__(self, message: str, code: RefusalCode = RefusalCode.NOT_CANCELABLE) -> None:
        super().__init__(message)
        self.code = code


class ReadOnlySession(CancelRefused):
    """A read-only session: nothing is journaled, sent to Amazon or written to Magento."""

    def __init__(self) -> None:
        super().__init__(READ_ONLY_MESSAGE, RefusalCode.READ_ONLY)


def refusal_for(order: Order, live: JournalEntry | None, *, read_only: bool) -> Refusal | None:
    """Why the app will not cancel ``order`` (None when it will); ``live``: its journal row, if any."""
    if read_only:
        return Refusal(RefusalCode.READ_ONLY, READ_ONLY_MESSAGE)
    if live is not None:
        return Refusal.already_canceling(live.state, live.operator, live.requested_at)
    why = not_cancelable_reason(order)
    if why is None:
        return None
    code = (
        RefusalCode.AMAZON_FULFILLED if order.status is OrderStatus.UNSHIPPED else RefusalCode.NOT_CANCELABLE
    )
    return Refusal(code, why)


def operator_name() -> str:
    """The OS user, recorded as the operator of every cancellation."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def may_have_landed(error: Exception) -> bool:
    """Whether a failed createFeed could still have created the feed at Amazon.

    Only a refused connection or an answer that says the request was not processed (4xx) is
    proof that it did not; a 5xx, a timeout after sending, or an unreadable 2xx answer is not.
    """
    from amazon_tui.clients.errors import ConnectionFailed, MalformedResponse, ServerError, ServiceTimeout

    if isinstance(error, ConnectionFailed | ServiceTimeout):
        return bool(error.reached_server)
    return isinstance(error, ServerError | MalformedResponse)
