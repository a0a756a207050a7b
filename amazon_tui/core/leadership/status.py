"""The leadership line of Amazon Stores and ``watch``: who leads, the last sync, what it does now."""

from __future__ import annotations

from amazon_tui.core.leadership.leader import Leader


def status_line(
    leader: Leader, *, latest_sync: str | None, notifications: str | None = None, unconfirmed: int = 0
) -> str:
    """ "Leader: the TUI of alice (pid 4242) · Last sync 2026-12-04 14:02 UTC" (by whom, when another
    process ran it; what the leader does now). ``notifications``: whether SQS delivers SP-API
    notifications (the leader's own health, or what it published for the others);
    ``unconfirmed``: shipments Amazon lacks."""
    coordination = leader.coordination
    state = coordination.state()
    holder = (
        state.holder.describe(leader.peer_id)
        if state.holder
        else "none (the next process to start takes the lead)"
    )
    line = f"Leader: {holder}"
    if latest_sync:
        line += f" · Last sync {latest_sync[:16].replace('T', ' ')} UTC"
        if state.last_run_by and (state.holder is None or state.last_run_by != state.holder.id):
            peer = coordination.peer(state.last_run_by)
            line += f" by {peer.describe(leader.peer_id)}" if peer else " by a process that has ended"
    else:
        line += " · No sync yet"
    if notifications is not None:
        line += f" · {notifications}"
    if unconfirmed:
        line += f" · {unconfirmed} shipment{'s' if unconfirmed != 1 else ''} not confirmed on Amazon"
    return f"{line} · {state.activity}" if state.activity else line
