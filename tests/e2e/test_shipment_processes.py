"""Shipment confirmations with real processes and a sandbox on a real socket (issue 33): a
process killed mid-request is finished from Amazon's order by ``resume`` or by the next
``order ship``, never by a second package; a watch confirms what Magento shipped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import serving
from tests.support.data_dir import leader_pid, query
from tests.support.hostile import unshipped_mfn
from tests.support.processes import REPO, cli_env, run_cli, wait_until, write_config

SHIP = ["--carrier", "ups", "--tracking", "1Z999AA10123456784", "--yes"]


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    root = tmp_path_factory.mktemp("ship")
    sandbox = Sandbox(root / "sandbox.db", orders_per_store=40, time_scale=1000, feed_delay_seconds=0.3)
    with serving(sandbox) as served:
        config = write_config(
            root / "config.toml",
            served.base_url,
            sync={"lease_seconds": 3, "poll_seconds": 3600},
            network={"timeout_seconds": 20},
        )
        yield sandbox, config
    sandbox.close()


@pytest.fixture
def synced(rig, tmp_path):
    sandbox, config = rig
    sandbox.clear_faults()
    env = cli_env(tmp_path / "data", config)
    assert run_cli(["sync", "--store", "Acme US"], env).returncode == 0
    order_id = next(
        o
        for o in unshipped_mfn(sandbox, with_magento=True)
        if sandbox.get_order_raw(o)["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    )
    sandbox.clear_log()
    return sandbox, env, tmp_path / "data", order_id


def shipment_rows(data_dir, order_id: str) -> list[dict]:
    return [
        dict(r)
        for r in query(data_dir, "SELECT * FROM shipments WHERE order_id = ? ORDER BY id", (order_id,))
    ]


def killed_mid_request(sandbox: Sandbox, env, data_dir, order_id: str) -> None:
    """``order ship`` sends confirmShipment; Amazon applies it, its answer hangs; SIGKILL."""
    sandbox.inject_fault("confirmShipment", "late_answer", count=1, latency=15)
    process = subprocess.Popen(
        [sys.executable, "-m", "amazon_tui", "order", "ship", order_id, *SHIP],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:  # the row says sending, and Amazon holds the package: the answer is what hangs
        wait_until(
            lambda: [r["state"] for r in shipment_rows(data_dir, order_id)] == ["sending"], what="sending"
        )
        wait_until(lambda: sandbox.get_order_raw(order_id).get("packages"), what="the package at Amazon")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def confirmed_once(sandbox: Sandbox, data_dir, order_id: str) -> None:
    [row] = shipment_rows(data_dir, order_id)
    assert row["state"] == "confirmed" and row["attempts"] == 1, row
    assert sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["trackingNumber"] for p in sandbox.get_order_raw(order_id)["packages"]].count(
        "1Z999AA10123456784"
    ) == 1
    assert sandbox.count("confirmShipment") == 1


def test_a_ship_killed_mid_request_is_settled_by_resume_from_amazons_order(synced):
    sandbox, env, data_dir, order_id = synced
    killed_mid_request(sandbox, env, data_dir, order_id)
    resumed = run_cli(["resume", "--json"], env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    confirmed_once(sandbox, data_dir, order_id)


def test_a_ship_run_again_after_a_kill_finishes_the_first_not_a_second_package(synced):
    sandbox, env, data_dir, order_id = synced
    killed_mid_request(sandbox, env, data_dir, order_id)
    again = run_cli(["order", "ship", order_id, *SHIP], env)
    assert again.returncode in (0, 3), again.stderr  # finished (0), or refused as shipped (3)
    confirmed_once(sandbox, data_dir, order_id)


def test_a_watch_confirms_what_magento_shipped_when_a_follower_asks_for_a_sync(synced, tmp_path):
    sandbox, env, data_dir, order_id = synced
    shipment = sandbox.magento_ship(order_id, carrier_code="fedex", track_number="7489")
    watch = subprocess.Popen(
        [sys.executable, "-m", "amazon_tui", "watch"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(lambda: leader_pid(data_dir) == watch.pid, what="the watch to lead")
        asked = run_cli(["sync", "--store", "Acme US"], env)  # joins the watch's sync
        assert asked.returncode == 0, asked.stderr
        wait_until(
            lambda: [r["state"] for r in shipment_rows(data_dir, order_id)] == ["confirmed"],
            timeout=40,
            what="the watch's confirmation",
        )
    finally:
        os.killpg(watch.pid, signal.SIGTERM)
        watch.wait(timeout=10)
    [package] = sandbox.get_order_raw(order_id)["packages"][-1:]
    assert (package["packageReferenceId"], package["carrier"]) == (str(shipment["entity_id"]), "FedEx")
    assert sandbox.count("confirmShipment") == 1
