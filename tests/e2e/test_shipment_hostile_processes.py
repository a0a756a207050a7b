"""Hostile process tests of shipment confirmation (issue 33): two ``order ship`` at once, and a
process frozen (SIGSTOP) mid-confirmation while another takes the lease."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.e2e.test_shipment_processes import SHIP, rig, shipment_rows, synced  # noqa: F401 - fixtures
from tests.support.data_dir import leader_pid
from tests.support.processes import REPO, run_cli, wait_until


def ship_process(env, order_id: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "amazon_tui", *extra, "order", "ship", order_id, *SHIP],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_two_order_ship_at_once_confirm_once_and_leave_no_failed_row(synced):  # noqa: F811
    """Two ``order ship`` of the same order at once; Amazon's getOrder is slow (3 s), so both
    look for an unfinished row before either journals. Expected (decisions: "a second package
    for the same items is never journaled while one is unfinished"): one row, one
    confirmShipment, both exit 0 (or 3). Actual: two rows; the second fails "Shipped orders take
    no shipment confirmation", its process exits 1 although the shipment is confirmed, and
    ``shipments`` lists the failed row from then on."""
    sandbox, env, data_dir, order_id = synced
    sandbox.inject_fault("getOrder", "latency", latency=3)
    one, two = ship_process(env, order_id), ship_process(env, order_id)
    outs = [p.communicate(timeout=90) for p in (one, two)]
    codes = [one.returncode, two.returncode]
    assert sandbox.count("confirmShipment") == 1, codes
    assert sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    states = [r["state"] for r in shipment_rows(data_dir, order_id)]
    assert all(code in (0, 3) for code in codes), (codes, states, outs)
    assert "failed" not in states, (states, [r["cause"] for r in shipment_rows(data_dir, order_id)])


def test_a_ship_frozen_mid_request_while_another_takes_the_lease_ends_sanely(synced):  # noqa: F811
    """``order ship`` sends (Amazon applies, its answer hangs), is SIGSTOPped past its lease;
    ``resume`` takes the lease and settles the row from Amazon's order; SIGCONT. Expected: one
    package, the row confirmed once, the frozen process exits without a traceback."""
    sandbox, env, data_dir, order_id = synced
    sandbox.inject_fault("confirmShipment", "late_answer", count=1, latency=8)
    frozen = ship_process(env, order_id)
    try:
        wait_until(
            lambda: [r["state"] for r in shipment_rows(data_dir, order_id)] == ["sending"], what="sending"
        )
        wait_until(lambda: sandbox.get_order_raw(order_id).get("packages"), what="the package at Amazon")
        os.killpg(frozen.pid, signal.SIGSTOP)
        resumed = run_cli(["resume", "--json"], env)
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert leader_pid(data_dir) != frozen.pid
    finally:
        os.killpg(frozen.pid, signal.SIGCONT)
    out, err = frozen.communicate(timeout=60)
    [row] = shipment_rows(data_dir, order_id)
    assert row["state"] == "confirmed" and row["attempts"] == 1, row
    assert sandbox.count("confirmShipment") == 1
    assert "Traceback" not in err, err
    assert frozen.returncode in (0, 1, 3), (frozen.returncode, out, err)
