"""The one write the leader makes to a journal row: a compare-and-set on its state and the fence.

Cancellations and shipments are journaled alike: a row moves only from the state its writer
read it in, and only while the writer still holds the lease in the epoch it wrote under. Each
write is synced to disk before it returns.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime

from amazon_tui.domain.values import format_timestamp
from amazon_tui.local.db import Database
from amazon_tui.local.lease import FENCE_HOLDS, Fence, fence_params


class LeaseLost(Exception):
    """This process no longer holds the lease it wrote under: it must stop (another leads)."""


def fenced_update(
    db: Database,
    table: str,
    row_id: int,
    *,
    expected: str,
    state: str,
    fence: Fence,
    lease_now: float,
    now: datetime,
    values: Mapping[str, object],
    moved_away: Callable[[], Exception],
    also: Callable[[sqlite3.Connection], None] | None = None,
) -> None:
    """Move row ``row_id`` of ``table`` from ``expected`` to ``state`` and set ``values``, if it is
    still in ``expected`` and ``fence`` holds; ``also`` writes more in the same transaction.

    Raises LeaseLost when this process no longer leads, else ``moved_away()`` (the row is in
    another state now: another process moved it) when the row did not move.
    """
    assignments = "".join(f", {key} = :{key}" for key in values)
    params = {
        "state": state,
        "now": format_timestamp(now),
        "id": row_id,
        "expected": expected,
        **fence_params(fence, lease_now),
        **values,
    }
    with db.transaction(durable=True) as conn:
        cursor = conn.execute(
            f"UPDATE {table} SET state = :state, updated_at = :now, epoch = :fence_epoch{assignments} "
            f"WHERE id = :id AND state = :expected AND {FENCE_HOLDS}",
            params,
        )
        moved = cursor.rowcount == 1
        if moved and also is not None:
            also(conn)
    if moved:
        return
    if not db.query(f"SELECT 1 WHERE {FENCE_HOLDS}", fence_params(fence, lease_now)):
        raise LeaseLost(f"this process no longer leads the data dir (epoch {fence.epoch})")
    raise moved_away()
