"""The money path with real processes on one data dir and a sandbox on a real socket (issue 29):
a createFeed answered after the client gave up, a leader frozen mid-upload, a clock a minute
ahead, a read-only session started first, a rebuild while a watch runs.

Each test asserts what the journal, the audit, Magento's credit memos and Amazon's own order say,
and that at most one feed ever canceled the order.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import serving
from tests.support.data_dir import audit_outcomes, journal_row, leader_pid
from tests.support.hostile import unshipped_mfn
from tests.support.processes import REPO, cli_env, run_cli, wait_until, watchers, write_config

LEASE = 3  # seconds: [sync] lease_seconds in these tests


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """A served sandbox and a config on it with short leases and timeouts (each test: its own data dir)."""
    root = tmp_path_factory.mktemp("money")
    sandbox = Sandbox(root / "sandbox.db", orders_per_store=40, time_scale=1000, feed_delay_seconds=0.3)
    with serving(sandbox) as served:
        config = write_config(
            root / "config.toml",
            served.base_url,
            sync={"lease_seconds": LEASE, "poll_seconds": 3600},
            network={"timeout_seconds": 1},
        )
        yield sandbox, config
    sandbox.close()


@pytest.fixture
def synced(rig, tmp_path):
    """A data dir synced with the sandbox, and an order to cancel (one with a Magento order)."""
    sandbox, config = rig
    sandbox.clear_faults()
    sandbox.set_report_mode("normal")
    env = cli_env(tmp_path / "data", config)
    assert run_cli(["sync", "--store", "Acme US"], env).returncode == 0
    taken = {
        row[0]
        for row in sandbox.db.query(
            "SELECT order_id FROM amazon_orders WHERE fulfillment_status = 'CANCELLED'"
        )
    }
    order_id = next(o for o in unshipped_mfn(sandbox, with_magento=True) if o not in taken)
    sandbox.clear_log()
    return sandbox, env, tmp_path / "data", order_id


def feeds_for(sandbox: Sandbox, order_id: str) -> int:
    """The acknowledgement feeds at "Amazon" whose document names the order."""
    rows = sandbox.db.query(
        "SELECT d.content FROM feeds f JOIN documents d ON d.document_id = f.input_document_id"
        " WHERE f.feed_type = 'POST_ORDER_ACKNOWLEDGEMENT_DATA'"
    )
    return sum(1 for row in rows if row[0] and order_id.encode() in bytes(row[0]))


def credit_memos(sandbox: Sandbox, order_id: str) -> int:
    magento = sandbox.magento_order_for(order_id)
    rows = sandbox.db.query("SELECT COUNT(*) FROM credit_memos WHERE order_id = ?", (magento["entity_id"],))
    return rows[0][0]


def canceled_once(sandbox: Sandbox, data_dir, order_id: str) -> dict:
    """The journal, the audit, Magento and Amazon agree: canceled, refunded once, one feed."""
    row = journal_row(data_dir, order_id)
    assert row["state"] == "canceled" and row["magento_done"], row
    assert sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert credit_memos(sandbox, order_id) == 1
    assert feeds_for(sandbox, order_id) == 1
    outcomes = audit_outcomes(data_dir, order_id)
    assert outcomes[0] == "requested" and outcomes.count("canceled") == 1 and outcomes[-1] == "magento-refund"
    return row


def cancel_process(env: dict[str, str], order_id: str, *extra: str, wait: bool = True) -> subprocess.Popen:
    args = ["order", "cancel", order_id, "--reason", "NoInventory", "--yes", *extra] + (
        ["--wait"] if wait else []
    )
    return subprocess.Popen(
        [sys.executable, "-m", "amazon_tui", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_createfeed_answered_after_the_timeout_then_resume_sends_no_second_feed(synced):
    sandbox, env, data_dir, order_id = synced
    sandbox.inject_fault("createFeed", "late_answer", count=1, latency=4)  # created; answered too late
    first = run_cli(["order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--wait"], env)
    assert first.returncode == 1 and "kept in the journal" in first.stderr, first.stderr
    assert journal_row(data_dir, order_id)["state"] == "sending"
    resumed = run_cli(["resume"], env)  # at once: Amazon may still be creating the feed
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    row = canceled_once(sandbox, data_dir, order_id)
    assert row["attempts"] == 1


def test_a_leader_frozen_mid_upload_loses_its_turn_and_sends_nothing(synced):
    """SIGSTOP while the leader uploads; a watch takes the lease (a new epoch) and cancels; the
    frozen process, resumed, finds its epoch gone: no second feed, no write."""
    sandbox, env, data_dir, order_id = synced
    sandbox.inject_fault("uploadFeedDocument", "timeout", count=1, latency=60)
    frozen = cancel_process(env, order_id)
    try:
        wait_until(lambda: not sandbox.faults.active(), what="the upload to hang")
        os.killpg(frozen.pid, signal.SIGSTOP)
        with watchers(env, 1):
            wait_until(
                lambda: (
                    (row := journal_row(data_dir, order_id))
                    and row["state"] == "canceled"
                    and row["magento_done"]
                ),
                timeout=LEASE + 20,
                what="the watch to take over and finish",
            )
            sandbox.release_hanging_requests()  # the frozen upload gets its answer
            os.killpg(frozen.pid, signal.SIGCONT)
            out, err = frozen.communicate(timeout=30)
        assert frozen.returncode == 0, out + err
        assert f"{order_id}\tcanceled" in out
    finally:
        if frozen.poll() is None:
            os.killpg(frozen.pid, signal.SIGKILL)
            frozen.communicate()
    canceled_once(sandbox, data_dir, order_id)
    assert sandbox.count("createFeed", 202) == 1


def test_a_process_whose_clock_is_a_minute_ahead_sends_no_second_feed(synced):
    sandbox, env, data_dir, order_id = synced
    with watchers(env, 1):
        wait_until(lambda: leader_pid(data_dir), what="the watch to lead")
        skewed = {**env, "AMAZON_TUI_CLOCK_OFFSET_SECONDS": "60"}
        done = run_cli(["order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--wait"], skewed)
        assert done.returncode == 0, done.stdout + done.stderr
        canceled_once(sandbox, data_dir, order_id)
        wait_until(lambda: leader_pid(data_dir), what="a leader again")
    assert sandbox.count("createFeed", 202) == 1


def test_a_read_only_session_started_first_never_leads_and_stalls_nobody(synced):
    sandbox, env, data_dir, order_id = synced
    reader = subprocess.Popen(
        [sys.executable, "-m", "amazon_tui", "--read-only", "watch"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: reader.poll() is None and journal_row(data_dir, order_id) is None, what="the reader"
        )
        submitted = run_cli(["--json", "order", "cancel", order_id, "--reason", "NoInventory", "--yes"], env)
        assert submitted.returncode == 0, submitted.stdout + submitted.stderr
        assert leader_pid(data_dir) is None, "the read-only watch never took the lease"
        resumed = run_cli(["resume"], env)  # finishes at once: nobody holds the lease for nothing
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        canceled_once(sandbox, data_dir, order_id)
    finally:
        reader.send_signal(signal.SIGTERM)
        reader.communicate(timeout=10)


def test_db_rebuild_refuses_while_a_watch_uses_the_data_dir(synced):
    _sandbox, env, data_dir, _order_id = synced
    with watchers(env, 1) as [watch]:
        wait_until(lambda: leader_pid(data_dir), what="the watch to lead")
        refused = run_cli(["db", "rebuild"], env)
        assert refused.returncode == 3, refused.stdout + refused.stderr
        assert "in use by the amazon-tui watch" in refused.stderr and f"pid {watch.pid}" in refused.stderr
        assert not list(data_dir.glob("amazon-tui.db.*.bak")), "nothing was moved"
    rebuilt = run_cli(["db", "rebuild"], env)
    assert rebuilt.returncode == 0, rebuilt.stderr
