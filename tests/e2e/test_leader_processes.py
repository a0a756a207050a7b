"""One leader per data dir, with real processes on one data dir and a served sandbox (issue 17).

``amazon-tui watch`` runs the same leader loop as the TUI without screens, so several of them
stand for several operators' TUIs. The tests read the app's own SQLite file (read-only) to see
who holds the lease, and the sandbox's access log to count what reached "Amazon".
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import serving
from tests.support.data_dir import journal_row, leader_pid, query
from tests.support.hostile import unshipped_mfn
from tests.support.processes import cli_env, kill, run_cli, wait_until, watchers, write_config

LEASE = 3  # seconds: [sync] lease_seconds in these tests


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """A served sandbox and a config on it (each test uses its own data dir)."""
    root = tmp_path_factory.mktemp("leader")
    sandbox = Sandbox(root / "sandbox.db", orders_per_store=40, time_scale=1000, feed_delay_seconds=0.3)
    with serving(sandbox) as served:
        config = write_config(
            root / "config.toml", served.base_url, sync={"lease_seconds": LEASE, "poll_seconds": 3600}
        )
        yield sandbox, config
    sandbox.close()


def local_orders(data_dir: Path, store: str) -> int:
    rows = query(data_dir, "SELECT count(*) FROM orders WHERE store = ?", (store,))
    return rows[0][0] if rows else 0


def test_three_watchers_one_leader_and_a_takeover_when_it_is_killed_mid_sync(rig, tmp_path):
    sandbox, config = rig
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, config)
    sandbox.clear_faults()
    sandbox.clear_log()
    sandbox.inject_fault("searchOrders", "latency", count=1, latency=3.0)  # the first leader's sync hangs
    with watchers(env, 3) as processes:
        first = wait_until(lambda: leader_pid(data_dir), what="a leader")
        wait_until(
            lambda: (
                sandbox.count("searchOrders") + len(sandbox.faults.active()) and not sandbox.faults.active()
            ),
            what="the held searchOrders",
        )
        pids = {p.pid for p in processes}
        assert first in pids
        peers = query(data_dir, "SELECT pid FROM peers")
        assert {row[0] for row in peers} == pids, "every watcher is a peer"
        kill(next(p for p in processes if p.pid == first))
        killed_at = time.monotonic()
        second = wait_until(
            lambda: (pid := leader_pid(data_dir)) not in (None, first) and pid,
            timeout=LEASE + 5,
            what="a new leader",
        )
        assert time.monotonic() - killed_at <= LEASE + 1, "another process takes over within one lease period"
        assert second in pids - {first}
        wait_until(
            lambda: (
                query(
                    data_dir, "SELECT count(*) FROM stores WHERE last_sync IS NOT NULL AND last_error IS NULL"
                )[0][0]
                == 3
            ),
            what="every active store synced",
        )
        assert all(local_orders(data_dir, store) > 0 for store in ("Acme US", "Acme UK", "Acme CA"))
        # Only the leader syncs: one sync of the three active stores per leader (the killed one
        # got no further than its first page), never one per watcher.
        assert sandbox.count("searchOrders", 200) <= 2 * 3 + 3, sandbox.count("searchOrders", 200)
        survivors = [p for p in processes if p.pid != first]
        assert all(p.poll() is None for p in survivors)
    assert all(p.returncode == 0 for p in survivors), [p.returncode for p in survivors]
    assert leader_pid(data_dir) is None, "a watcher stopping gives the lease back at once"


def test_a_cli_sync_joins_the_leaders_sync(rig, tmp_path):
    sandbox, config = rig
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, config)
    sandbox.clear_faults()
    with watchers(env, 1) as [watcher]:
        wait_until(lambda: leader_pid(data_dir) == watcher.pid, what="the watcher leads")
        wait_until(
            lambda: query(data_dir, "SELECT last_run FROM lease WHERE last_run IS NOT NULL"),
            what="its first sync",
        )
        sandbox.clear_log()
        result = run_cli(["--json", "sync", "--store", "Acme US"], env)
        assert result.returncode == 0, result.stderr
        assert (
            "Joining the sync of the amazon-tui watch of " in result.stderr
            and f"(pid {watcher.pid})" in result.stderr
        )
        assert '"store": "Acme US"' in result.stdout
        assert sandbox.count("searchOrders") == 1, "the leader synced Acme US once; the CLI sent nothing"


def test_a_cancellation_submitted_by_the_cli_is_finished_by_the_leader_even_when_it_is_killed(rig, tmp_path):
    sandbox, config = rig
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, config)
    sandbox.clear_faults()
    synced = run_cli(["sync", "--store", "Acme US"], env)
    assert synced.returncode == 0, synced.stderr
    order_id = unshipped_mfn(sandbox, with_magento=True)[0]
    with watchers(env, 2) as processes:
        first = wait_until(lambda: leader_pid(data_dir), what="a leader")
        sandbox.clear_log()
        sandbox.inject_fault(
            "getFeed", "latency", count=1, latency=2.0
        )  # the leader's first poll of the feed hangs
        cancel = run_cli(["order", "cancel", order_id, "--reason", "NoInventory", "--yes"], env)
        assert cancel.returncode == 0, cancel.stderr
        assert (
            "Amazon's report will be collected by the amazon-tui watch of " in cancel.stderr
            and f"(pid {first})" in cancel.stderr
        )
        wait_until(lambda: not sandbox.faults.active(), what="the leader's getFeed")
        kill(next(p for p in processes if p.pid == first))
        row = wait_until(
            lambda: (
                (r := journal_row(data_dir, order_id))
                and r["state"] == "canceled"
                and r["magento_done"]
                and r
            ),
            timeout=LEASE + 15,
            what="the other watcher to finish the cancellation",
        )
        assert leader_pid(data_dir) not in (None, first)
        assert row["epoch"] is not None  # written under a lease epoch (the second watcher's)
    assert sandbox.count("createFeed", 202) == 1
    assert sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    magento = sandbox.magento_order_for(order_id)
    assert (
        sandbox.db.query("SELECT COUNT(*) FROM credit_memos WHERE order_id = ?", (magento["entity_id"],))[0][
            0
        ]
        == 1
    )
    again = run_cli(["order", "cancel", order_id, "--reason", "NoInventory", "--yes"], env)
    assert again.returncode == 3 and "has already been canceled by " in again.stderr


def test_a_second_cancel_of_an_order_being_canceled_picks_it_up_and_sends_no_second_feed(rig, tmp_path):
    sandbox, config = rig
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, config)
    sandbox.clear_faults()
    assert run_cli(["sync", "--store", "Acme US"], env).returncode == 0
    order_id = unshipped_mfn(sandbox)[-1]
    sandbox.clear_log()
    first = run_cli(["order", "cancel", order_id, "--reason", "NoInventory", "--yes"], env)
    assert first.returncode == 0, first.stderr
    assert "No amazon-tui process leads this data dir now" in first.stderr
    row = journal_row(data_dir, order_id)
    second = run_cli(["--json", "order", "cancel", order_id, "--reason", "BuyerCanceled", "--yes"], env)
    assert second.returncode == 0, second.stdout + second.stderr  # re-running finishes, never refuses
    since = row["requested_at"][:16].replace("T", " ")
    assert f"finishing the cancellation requested at {since} UTC" in second.stderr
    [result] = json.loads(second.stdout)["results"]
    assert result["order_number"] == order_id and result["state"] in ("submitted", "confirming", "canceled")
    assert sandbox.count("createFeed", 202) == 1


def test_a_leader_frozen_and_resumed_is_seen_again_and_never_as_none(rig, tmp_path):
    """Issue 30: a leader stopped (SIGSTOP) past its lease is replaced and forgotten; resumed
    (SIGCONT) it registers again at once, and whoever holds the lease is always named."""
    sandbox, config = rig
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, config)
    sandbox.clear_faults()
    with watchers(env, 2) as processes:
        first = wait_until(lambda: leader_pid(data_dir), what="a leader")
        frozen = next(p for p in processes if p.pid == first)
        other = next(p for p in processes if p.pid != first)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(frozen.stderr), daemon=True)
        reader.start()
        os.killpg(frozen.pid, signal.SIGSTOP)
        try:
            wait_until(lambda: leader_pid(data_dir) == other.pid, timeout=LEASE + 5, what="a takeover")
            wait_until(
                lambda: first not in {row[0] for row in query(data_dir, "SELECT pid FROM peers")},
                timeout=LEASE + 5,
                what="the frozen leader forgotten",
            )
        finally:
            os.killpg(frozen.pid, signal.SIGCONT)
        wait_until(
            lambda: first in {row[0] for row in query(data_dir, "SELECT pid FROM peers")},
            timeout=3,
            what="the resumed process registered again",
        )
        assert leader_pid(data_dir) == other.pid, "the resumed one does not take the lease back"
        resumed_at = len(lines)
        other.send_signal(signal.SIGTERM)
        other.communicate(timeout=10)
        wait_until(lambda: leader_pid(data_dir) == first, timeout=LEASE + 3, what="the resumed one to lead")
        wait_until(
            lambda: any("Leader: this amazon-tui watch" in line for line in lines[resumed_at:]),
            what="its status line to say it leads",
        )
    status = [line for line in lines if "Leader:" in line]
    assert not any("Leader: none" in line for line in status[1:]), status
