"""One leader per data dir, with real processes on one data dir and a served sandbox (issue 17).

``amazon-tui watch`` runs the same leader loop as the TUI without screens, so several of them
stand for several operators' TUIs. The tests read the app's own SQLite file (read-only) to see
who holds the lease, and the sandbox's access log to count what reached "Amazon".
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import serving
from tests.support.hostile import unshipped_mfn
from tests.support.processes import REPO, cli_env, run_cli, wait_until, write_config

LEASE = 3  # seconds: [sync] lease_seconds in these tests


def query(data_dir: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    path = data_dir / "amazon-tui.db"
    if not path.exists():
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # not migrated yet
        return []


def leader_pid(data_dir: Path) -> int | None:
    """The pid of the peer holding an unexpired lease, if any."""
    rows = query(
        data_dir,
        "SELECT p.pid FROM lease l JOIN peers p ON p.id = l.holder WHERE l.expires > ?",
        (time.time(),),
    )
    return rows[0][0] if rows else None


def journal_row(data_dir: Path, order_id: str) -> dict | None:
    rows = query(
        data_dir, "SELECT * FROM cancellations WHERE order_id = ? ORDER BY id DESC LIMIT 1", (order_id,)
    )
    return dict(rows[0]) if rows else None


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


@contextmanager
def watchers(env: dict[str, str], count: int) -> Iterator[list[subprocess.Popen]]:
    """``count`` ``amazon-tui watch`` processes on one data dir; all stopped (SIGTERM, then
    SIGKILL) at the end."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "amazon_tui", "watch"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate(timeout=10)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)  # reaped: its pid no longer exists


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
        assert row["owner"] is not None
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


def test_a_second_cancel_of_an_order_being_canceled_says_by_whom_and_since_when(rig, tmp_path):
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
    assert second.returncode == 3
    since = row["requested_at"][:16].replace("T", " ")
    assert f"is already being canceled by {row['operator']} since {since} UTC" in second.stdout
    assert sandbox.count("createFeed", 202) == 1
