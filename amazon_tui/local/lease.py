"""Who works for the data dir: peers with heartbeats, the leader lease, sync requests.

Every process that syncs, cancels or shows the TUI on a data dir is a *peer*: a row with its
pid, host, user and a heartbeat. One peer at a time holds the *leader lease* (a row with an
expiry): only the leader talks to searchOrders and drives unfinished cancellations, so N
operators spend one operator's share of the seller's usage plans. Another peer asks the
leader for a sync with a *sync request* and reads the outcome when the leader has served it.

A peer is alive while its heartbeat is younger than the lease period and, on this host, while
its process exists (a killed leader is replaced at once, not one lease period later). Times
are Unix seconds from the wall clock, the one clock processes share.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amazon_tui.local.db import Database

LEASE = "leader"
# A row of the lease table that is no lease: the leader's report of SP-API notifications (its
# JSON in ``activity``, when in ``since``, who in ``holder``), so every peer can say whether SQS
# delivers. ``expires`` stays 0: no fence or acquire reads this row (each names LEASE).
NOTIFICATIONS_REPORT = "notifications"
HOST = socket.gethostname()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def process_exists(pid: int) -> bool:
    """Whether a process with this pid runs on this host (signal 0 checks without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Peer:
    """A process working on the data dir."""

    id: str
    pid: int
    host: str
    user: str
    kind: str
    started: float
    heartbeat: float

    def describe(self, me: str | None = None) -> str:
        """ "this TUI" for the caller itself, else "the TUI of alice (pid 4242)"."""
        if self.id == me:
            return f"this {self.kind}"
        where = f"pid {self.pid}" + ("" if self.host == HOST else f" on {self.host}")
        return f"the {self.kind} of {self.user} ({where})"


def peer_alive(peer: Peer, now: float, lease_seconds: float) -> bool:
    """A peer is alive while its heartbeat is younger than a lease period and, on this host,
    while its process exists."""
    if now - peer.heartbeat > lease_seconds:
        return False
    return peer.host != HOST or process_exists(peer.pid)


def peers_using(path: Path, *, lease_seconds: float, now: float | None = None) -> list[Peer]:
    """The live processes the database file at ``path`` records, read without opening it for
    writing (a file too new or too broken to open yields [])."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT * FROM peers").fetchall()
    except sqlite3.Error:
        return []
    stamp = time.time() if now is None else now
    return [peer for peer in (Peer(**dict(row)) for row in rows) if peer_alive(peer, stamp, lease_seconds)]


@dataclass(frozen=True)
class Fence:
    """The right to write for the data dir: this peer holds the lease in this epoch.

    Every journal transition is a compare-and-set that also checks the fence (``FENCE_HOLDS``):
    a peer that lost the lease, or was frozen past its expiry, writes nothing.
    """

    peer_id: str
    epoch: int


# The SQL condition that a fence still holds (named parameters fence_peer, fence_epoch, fence_now).
FENCE_HOLDS = (
    f"EXISTS (SELECT 1 FROM lease WHERE name = '{LEASE}' AND holder = :fence_peer "
    "AND epoch = :fence_epoch AND expires > :fence_now)"
)


def fence_params(fence: Fence, now: float) -> dict[str, object]:
    return {"fence_peer": fence.peer_id, "fence_epoch": fence.epoch, "fence_now": now}


@dataclass(frozen=True)
class LeaseState:
    """The lease as a peer sees it."""

    holder: Peer | None  # the live leader, None when the lease is free or lapsed
    since: float | None
    activity: str | None
    last_run: float | None  # when the last leader sync finished (any process)
    last_run_by: str | None


@dataclass(frozen=True)
class NotificationsReport:
    """What the leader last published of its SP-API notifications consumer."""

    publisher: Peer | None  # None once that process has ended and been forgotten
    published: float
    report: dict[str, Any]


class Coordination:
    """The SQLite side of leadership for one peer (this process's ``peer_id``)."""

    def __init__(
        self, db: Database, *, kind: str, lease_seconds: float, now: Callable[[], float] = time.time
    ) -> None:
        self.db = db
        self.kind = kind
        self.lease_seconds = lease_seconds
        self.now = now
        self.peer_id = uuid.uuid4().hex[:16]
        self.epoch: int | None = None  # the epoch this peer holds the lease in, if it does
        self._registered = False

    # -- peers -------------------------------------------------------------------------------

    def heartbeat(self) -> None:
        """Register (first call, or again after another process forgot this peer) or refresh
        this peer's heartbeat."""
        stamp = self.now()
        with self.db.transaction() as conn:
            self._register(conn, stamp)

    def _register(self, conn: sqlite3.Connection, stamp: float) -> None:
        conn.execute(
            "INSERT INTO peers (id, pid, host, user, kind, started, heartbeat) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat, kind = excluded.kind",
            (self.peer_id, os.getpid(), HOST, _user(), self.kind, stamp, stamp),
        )
        self._registered = True

    @property
    def registered(self) -> bool:
        return self._registered

    def peer(self, peer_id: str | None) -> Peer | None:
        if peer_id is None:
            return None
        rows = self.db.query("SELECT * FROM peers WHERE id = ?", (peer_id,))
        return Peer(**dict(rows[0])) if rows else None

    def alive(self, peer: Peer | None) -> bool:
        if peer is None:
            return False
        return peer.id == self.peer_id or peer_alive(peer, self.now(), self.lease_seconds)

    def is_alive(self, peer_id: str | None) -> bool:
        return self.alive(self.peer(peer_id))

    def leave(self) -> None:
        """This process stops: give the lease back at once and forget the peer."""
        if not self._registered:
            return
        self.epoch = None
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE lease SET holder = NULL, expires = 0, activity = NULL WHERE name = ? AND holder = ?",
                (LEASE, self.peer_id),
            )
            conn.execute("DELETE FROM peers WHERE id = ?", (self.peer_id,))
        self._registered = False

    # -- the lease ---------------------------------------------------------------------------

    def acquire(self) -> bool:
        """Take or renew the lease; False while another live peer holds it.

        Renewing an unexpired lease keeps its epoch; taking it (from nobody, from a dead or
        lapsed holder, or back after this peer's own lease lapsed, a freeze) starts a new epoch:
        whatever was begun under the old one can no longer be written.
        """
        stamp = self.now()
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT holder, since, expires, epoch FROM lease WHERE name = ?", (LEASE,)
            ).fetchone()
            holder = row["holder"] if row else None
            if holder is not None and holder != self.peer_id and row["expires"] > stamp:
                peer = conn.execute("SELECT * FROM peers WHERE id = ?", (holder,)).fetchone()
                if peer is not None and self.alive(Peer(**dict(peer))):
                    return False
            renewing = row is not None and holder == self.peer_id and row["expires"] > stamp
            epoch = row["epoch"] if renewing else (row["epoch"] if row else 0) + 1
            conn.execute(
                "INSERT INTO lease (name, holder, since, expires, epoch) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, since = excluded.since, "
                "expires = excluded.expires, epoch = excluded.epoch"
                + ("" if renewing else ", activity = NULL"),
                (LEASE, self.peer_id, row["since"] if renewing else stamp, stamp + self.lease_seconds, epoch),
            )
            self._register(conn, stamp)  # a peer row another process deleted (a freeze) comes back
            if not renewing:  # forget the peers that are gone, with their heartbeats
                for peer in conn.execute("SELECT * FROM peers WHERE id != ?", (self.peer_id,)).fetchall():
                    if not self.alive(Peer(**dict(peer))):
                        conn.execute("DELETE FROM peers WHERE id = ?", (peer["id"],))
        self.epoch = epoch
        return True

    def holds(self, fence: Fence | None = None) -> bool:
        """Whether this peer holds an unexpired lease, in ``fence``'s epoch when given (no write)."""
        rows = self.db.query("SELECT holder, expires, epoch FROM lease WHERE name = ?", (LEASE,))
        if not rows or rows[0]["holder"] != self.peer_id or rows[0]["expires"] <= self.now():
            return False
        held: int = rows[0]["epoch"]
        return held == (fence.epoch if fence is not None else self.epoch)

    def fence(self) -> Fence | None:
        """The right to write now, if this peer holds the lease."""
        if self.epoch is None or not self.holds():
            return None
        return Fence(self.peer_id, self.epoch)

    def release(self) -> None:
        self.epoch = None
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE lease SET holder = NULL, expires = 0, activity = NULL WHERE name = ? AND holder = ?",
                (LEASE, self.peer_id),
            )

    def state(self) -> LeaseState:
        rows = self.db.query("SELECT * FROM lease WHERE name = ?", (LEASE,))
        if not rows:
            return LeaseState(None, None, None, None, None)
        row = rows[0]
        holder = self.peer(row["holder"]) if row["expires"] > self.now() else None
        if holder is not None and not self.alive(holder):
            holder = None
        return LeaseState(
            holder,
            row["since"] if holder else None,
            row["activity"] if holder else None,
            row["last_run"],
            row["last_run_by"],
        )

    def set_activity(self, text: str | None) -> None:
        """What the leader is doing ("Syncing Acme US: page 2"), for the others' status lines."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE lease SET activity = ? WHERE name = ? AND holder = ?", (text, LEASE, self.peer_id)
            )

    def record_run(self, description: str) -> None:
        """A leader sync finished: the next scheduled one is due a poll interval from now."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE lease SET last_run = ?, last_run_by = ?, activity = NULL WHERE name = ?",
                (self.now(), description, LEASE),
            )

    # -- the leader's report of SP-API notifications ------------------------------------------

    def publish_notifications(self, report: dict[str, Any]) -> bool:
        """Record the notifications consumer's health for the other peers; only while this peer
        holds the lease (a leader that lost it publishes nothing). False when not written."""
        stamp = self.now()
        with self.db.transaction() as conn:
            if not conn.execute(
                "SELECT 1 FROM lease WHERE name = ? AND holder = ? AND expires > ?",
                (LEASE, self.peer_id, stamp),
            ).fetchone():
                return False
            conn.execute(
                "INSERT INTO lease (name, holder, since, expires, activity) VALUES (?, ?, ?, 0, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, since = excluded.since, "
                "activity = excluded.activity",
                (NOTIFICATIONS_REPORT, self.peer_id, stamp, json.dumps(report)),
            )
        return True

    def notifications_report(self) -> NotificationsReport | None:
        """The last report a leader published, None when none ever did (or it cannot be read)."""
        rows = self.db.query(
            "SELECT holder, since, activity FROM lease WHERE name = ?", (NOTIFICATIONS_REPORT,)
        )
        if not rows or rows[0]["activity"] is None:
            return None
        try:
            report = json.loads(rows[0]["activity"])
        except ValueError:
            return None
        if not isinstance(report, dict):
            return None
        return NotificationsReport(self.peer(rows[0]["holder"]), float(rows[0]["since"]), report)

    # -- sync requests -----------------------------------------------------------------------

    def request_sync(self, stores: Sequence[str]) -> int:
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO sync_requests (stores, requested_by, requested) VALUES (?, ?, ?)",
                (json.dumps(list(stores)), self.peer_id, self.now()),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def open_requests(self) -> list[tuple[int, tuple[str, ...]]]:
        """Requests nobody has served yet: (id, stores; empty = every active store)."""
        rows = self.db.query("SELECT id, stores FROM sync_requests WHERE finished IS NULL ORDER BY id")
        return [(row["id"], tuple(json.loads(row["stores"]))) for row in rows]

    def serve_requests(self, ids: Sequence[int], outcome: dict[str, Any]) -> None:
        if not ids:
            return
        marks = ", ".join("?" for _ in ids)
        with self.db.transaction() as conn:
            conn.execute(
                f"UPDATE sync_requests SET served_by = ?, finished = ?, outcome = ? WHERE id IN ({marks})",
                (self.peer_id, self.now(), json.dumps(outcome), *ids),
            )
            # Served requests older than a day are history nobody reads.
            conn.execute(
                "DELETE FROM sync_requests WHERE finished IS NOT NULL AND finished < ?",
                (self.now() - 86_400,),
            )

    def request_outcome(self, request_id: int) -> dict[str, Any] | None:
        """The outcome of a served request, or None while it waits."""
        rows = self.db.query(
            "SELECT outcome FROM sync_requests WHERE id = ? AND finished IS NOT NULL", (request_id,)
        )
        if not rows:
            return None
        outcome: dict[str, Any] = json.loads(rows[0]["outcome"])
        return outcome
