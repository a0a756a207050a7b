"""The cancellation journal: every step committed (and synced) before the next request is sent.

A row is created by any process that may write (``request``); every later transition is made
by the data dir's leader as a compare-and-set on the row's state *and* the leader's fence (its
lease epoch): a process that lost the lease, or was frozen and resumed, moves nothing. A final
row (``canceled``, ``failed``) never changes again, but for its Magento step.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from amazon_tui.domain.secrets import redact
from amazon_tui.domain.values import CancelReason, format_timestamp, parse_timestamp, timestamp
from amazon_tui.local.db import Database
from amazon_tui.local.fenced import fenced_update
from amazon_tui.local.lease import Fence


class CancelState(str, Enum):
    """requested -> verified -> sending -> submitted -> confirming -> canceled | failed.

    - ``sending``: createFeed is (or was) under way; when its answer was lost (a 5xx, a timeout
      after sending, a crash), Amazon may hold the feed: resolved by evidence, never sent blindly.
    - ``confirming``: Amazon's report was read; Amazon's own order decides (awaiting Amazon).
    """

    REQUESTED = "requested"
    VERIFIED = "verified"
    SENDING = "sending"
    SUBMITTED = "submitted"
    CONFIRMING = "confirming"
    CANCELED = "canceled"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (CancelState.CANCELED, CancelState.FAILED)


class Failure(str, Enum):
    """Why a row failed: typed, so screens and commands decide without reading its message."""

    NOT_CANCELABLE = "not_cancelable"  # Amazon's fresh copy: not Unshipped (shipped meanwhile...)
    AMAZON_FULFILLED = "amazon_fulfilled"  # Amazon's fresh copy: Amazon fulfils it
    NOT_CHECKED = "not_checked"  # the getOrder before sending failed: nothing was sent
    NOT_SENT = "not_sent"  # the upload or createFeed provably failed: nothing reached Amazon
    REFUSED_BY_AMAZON = "refused_by_amazon"  # Amazon's report refused our message; the order is open
    FEED_ENDED = "feed_ended"  # Amazon ended the feed (FATAL, CANCELLED); the order is open
    NOT_CANCELED = "not_canceled"  # two feeds whose answers were lost, and the order still open


class RowMoved(Exception):
    """The row is no longer in the state this process read it in (another process moved it)."""

    def __init__(self, entry: JournalEntry) -> None:
        super().__init__(f"cancellation {entry.id} of {entry.order_id} is {entry.state.value} now")
        self.entry = entry


class DuplicateCancellation(Exception):
    """The order already has a cancellation that is pending or done."""

    def __init__(
        self, order_id: str, state: CancelState, by: str | None = None, since: datetime | None = None
    ) -> None:
        self.order_id = order_id
        self.state = state
        self.by = by
        self.since = since
        super().__init__(f"Order {order_id} {already(state, by, since)}")


def already(state: CancelState, by: str | None, since: datetime | None) -> str:
    """ "is already being canceled (requested by alice at 2026-12-04 14:02 UTC)" or "has already
    been canceled". It names who asked and when, never a process: any leader finishes it."""
    if state.final:
        return "has already been canceled" + (f" by {by}" if by else "") + "."
    who = f" by {by}" if by else ""
    when = f" at {since.strftime('%Y-%m-%d %H:%M')} UTC" if since else ""
    return f"is already being canceled (requested{who}{when})."


# The evidence values (core/cancel/feed_xml.Evidence) whose cause is Amazon's text, as received.
AMAZON_WORDS = frozenset({"error", "rejected"})


@dataclass(frozen=True)
class JournalEntry:
    id: int
    order_id: str
    store: str
    reason: CancelReason
    items: tuple[str, ...]
    operator: str
    state: CancelState
    batch: str | None
    feed_id: str | None
    document_id: str | None
    message: str | None
    magento_done: bool
    requested_at: datetime
    updated_at: datetime
    message_id: int | None = None  # this order's MessageID in its feed
    attempted_at: datetime | None = None  # when its (last) createFeed was sent
    attempts: int = 0  # feeds sent for it
    report: str | None = None  # what the processing report said of it (evidence, see cancel/settle.py)
    failure: Failure | None = None
    cause: str | None = None  # a failed row's bare cause (Amazon's words, the service's error)
    magento_error: str | None = None  # why the Magento step failed last (it is retried)

    @property
    def amazon_words(self) -> str | None:
        """Amazon's own words on this cancellation: what its processing report said of our
        message (an error naming it) or of the whole feed (refused); None when Amazon said
        nothing in words (a success, no word, a feed it ended, a failure of ours)."""
        return self.cause if self.report in AMAZON_WORDS and self.cause else None


FIELDS = frozenset(
    {
        "items",
        "batch",
        "feed_id",
        "document_id",
        "message",
        "magento_done",
        "message_id",
        "attempted_at",
        "attempts",
        "report",
        "failure",
        "cause",
        "magento_error",
    }
)


def _entry(row: sqlite3.Row) -> JournalEntry:
    return JournalEntry(
        id=row["id"],
        order_id=row["order_id"],
        store=row["store"],
        reason=CancelReason(row["reason"]),
        items=tuple(json.loads(row["items"])),
        operator=row["operator"],
        state=CancelState(row["state"]),
        batch=row["batch"],
        feed_id=row["feed_id"],
        document_id=row["document_id"],
        message=row["message"],
        magento_done=bool(row["magento_done"]),
        requested_at=timestamp(row["requested_at"]),
        updated_at=timestamp(row["updated_at"]),
        message_id=row["message_id"],
        attempted_at=parse_timestamp(row["attempted_at"]),
        attempts=row["attempts"],
        report=row["report"],
        failure=Failure(row["failure"]) if row["failure"] else None,
        cause=row["cause"],
        magento_error=row["magento_error"],
    )


def _column(key: str, value: object) -> object:
    """A field's value as its column holds it."""
    if key == "items" and isinstance(value, Iterable) and not isinstance(value, str):
        return json.dumps(list(value))
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return redact(value)  # Amazon's and Magento's words (cause, report, magento_error) may echo a secret
    return value


class Journal:
    """Durable record of cancellations; the unique index makes a second live row impossible.

    Every write is synced to disk before it returns (``durable``): a row is written before the
    request it stands for, and must outlive a power cut, not only a crash.
    """

    def __init__(self, db: Database, *, lease_clock: Callable[[], float] = time.time) -> None:
        """``lease_clock``: the clock the lease's expiry is read with (the coordination's)."""
        self.db = db
        self.lease_clock = lease_clock

    def request(
        self,
        order_id: str,
        store: str,
        reason: CancelReason,
        operator: str,
        *,
        now: datetime,
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> JournalEntry:
        """Write the ``requested`` row, or raise DuplicateCancellation (also across processes).

        ``also`` writes more in the same transaction (the audit row): a crash keeps both or neither.
        """
        stamp = format_timestamp(now)
        try:
            with self.db.transaction(durable=True) as conn:
                cursor = conn.execute(
                    "INSERT INTO cancellations "
                    "(order_id, store, reason, items, operator, state, requested_at, updated_at) "
                    "VALUES (?, ?, ?, '[]', ?, ?, ?, ?)",
                    (order_id, store, reason.value, operator, CancelState.REQUESTED.value, stamp, stamp),
                )
                entry_id = cursor.lastrowid
                assert entry_id is not None
                if also is not None:
                    also(conn)
        except sqlite3.IntegrityError:
            live = self.live(order_id)
            if live is None:
                raise DuplicateCancellation(order_id, CancelState.SUBMITTED) from None
            raise DuplicateCancellation(order_id, live.state, live.operator, live.requested_at) from None
        return self.get(entry_id)

    def move(
        self, entry: JournalEntry, state: CancelState, fence: Fence, *, now: datetime, **fields: object
    ) -> JournalEntry:
        """Move ``entry`` from the state it was read in to ``state`` (and set fields), if the
        row is still in that state and ``fence`` still holds; commit (synced).

        Raises LeaseLost when this process lost the lease, RowMoved when another moved the row.
        """
        return self.write(entry, state, fence, now=now, fields=fields)

    def update(self, entry: JournalEntry, fence: Fence, *, now: datetime, **fields: object) -> JournalEntry:
        """Set fields of ``entry`` without moving it (the same checks as ``move``)."""
        return self.write(entry, entry.state, fence, now=now, fields=fields)

    def write(
        self,
        entry: JournalEntry,
        state: CancelState,
        fence: Fence,
        *,
        now: datetime,
        fields: Mapping[str, object],
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> JournalEntry:
        """``move``, with ``also`` writing more in the same transaction (the audit row)."""
        unknown = set(fields) - FIELDS
        if unknown:
            raise ValueError(f"unknown journal fields {sorted(unknown)}")
        values = {key: _column(key, value) for key, value in fields.items()}
        fenced_update(
            self.db,
            "cancellations",
            entry.id,
            expected=entry.state.value,
            state=state.value,
            fence=fence,
            lease_now=self.lease_clock(),
            now=now,
            values=values,
            moved_away=lambda: RowMoved(self.get(entry.id)),
            also=also,
        )
        return self.get(entry.id)

    def get(self, entry_id: int) -> JournalEntry:
        return _entry(self.db.query("SELECT * FROM cancellations WHERE id = ?", (entry_id,))[0])

    def live(self, order_id: str) -> JournalEntry | None:
        """The pending or done cancellation of an order, if any."""
        rows = self.db.query(
            "SELECT * FROM cancellations WHERE order_id = ? AND state != 'failed'", (order_id,)
        )
        return _entry(rows[0]) if rows else None

    def latest(self, order_id: str) -> JournalEntry | None:
        rows = self.db.query(
            "SELECT * FROM cancellations WHERE order_id = ? ORDER BY id DESC LIMIT 1", (order_id,)
        )
        return _entry(rows[0]) if rows else None

    def unfinished(self) -> list[JournalEntry]:
        """Entries a restart must resume: not final, or canceled with Magento still to do."""
        rows = self.db.query(
            "SELECT * FROM cancellations "
            "WHERE state IN ('requested', 'verified', 'sending', 'submitted', 'confirming') "
            "OR (state = 'canceled' AND magento_done = 0) ORDER BY id"
        )
        return [_entry(row) for row in rows]

    def by_feed(self, feed_id: str) -> list[JournalEntry]:
        rows = self.db.query("SELECT * FROM cancellations WHERE feed_id = ? ORDER BY id", (feed_id,))
        return [_entry(row) for row in rows]

    def all(self, limit: int = 500) -> list[JournalEntry]:
        rows = self.db.query("SELECT * FROM cancellations ORDER BY id DESC LIMIT ?", (limit,))
        return [_entry(row) for row in rows]
