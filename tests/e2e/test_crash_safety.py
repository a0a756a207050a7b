"""SIGKILL at each step of the cancellation state machine, with real processes and a real socket.

The CLI runs ``order cancel --yes --wait`` in a subprocess against a served sandbox. A latency
fault on the operation that follows the chosen step holds the process exactly there; the test
watches the journal (the app's own SQLite file) until the step is committed, kills the process
with SIGKILL, lets any request the sandbox was still serving finish, and runs
``amazon-tui resume``. Then: the order is canceled at Amazon, exactly one feed was created,
Magento has exactly one credit memo, and the journal and the audit trail hold the whole story.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import serving
from tests.support.data_dir import audit_outcomes, journal_row
from tests.support.hostile import unshipped_mfn
from tests.support.processes import REPO, cli_env, magento_signed, run_cli, wait_until, write_config

HOLD = 1.0  # seconds the held request waits at the sandbox (the kill comes within ~50 ms)


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """One served sandbox and one synced local store for every step (each step uses its own order)."""
    root = tmp_path_factory.mktemp("crash")
    sandbox = Sandbox(root / "sandbox.db", orders_per_store=60, time_scale=1000, feed_delay_seconds=0.3)
    with serving(sandbox) as served:
        config = write_config(root / "config.toml", served.base_url)
        env = cli_env(root / "data", config)
        result = run_cli(["sync", "--store", "Acme US"], env)
        assert result.returncode == 0, result.stderr
        orders = iter(unshipped_mfn(sandbox, with_magento=True))
        yield sandbox, env, root / "data", orders
    sandbox.close()


# (step, the operation held right after it, what the journal shows at that step)
STEPS = [
    ("requested", "getOrder", lambda row: row["state"] == "requested"),
    ("verified", "createFeedDocument", lambda row: row["state"] == "verified" and row["document_id"] is None),
    ("document created", "uploadFeedDocument", lambda row: row["state"] == "verified"),
    ("uploaded, createFeed sent", "createFeed", None),
    ("submitted", "getFeed", lambda row: row["state"] == "submitted"),
    ("report downloading", "downloadReport", lambda row: row["state"] == "submitted"),
    (
        "canceled, Magento refund sent",
        "magentoRefund",
        lambda row: row["state"] == "canceled" and not row["magento_done"],
    ),
    # The request reached the service and was carried out, but the process died before the answer:
    ("createFeed landed, answer lost", "createFeed", None),
    (
        "Magento refund landed, answer lost",
        "magentoRefund",
        lambda row: row["state"] == "canceled" and not row["magento_done"],
    ),
]


def served_url(env: dict[str, str]) -> str:
    import tomllib

    return tomllib.loads(Path(env["AMAZON_TUI_CONFIG"]).read_text())["magento"]["base_url"]


def land(base: str, operation: str, order_id: str, row: dict, magento: dict | None) -> None:
    """Carry out, through the sandbox's public HTTP API, the request the killed process had sent.

    (The killed client's own request is dropped by the server when the connection closes.)
    """
    import httpx

    from amazon_tui.sandbox.catalog import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, STORES

    if operation == "createFeed":
        store = STORES[0]
        token = httpx.post(
            f"{base}/auth/o2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": store.refresh_token,
                "client_id": SANDBOX_CLIENT_ID,
                "client_secret": SANDBOX_CLIENT_SECRET,
            },
        ).json()["access_token"]
        response = httpx.post(
            f"{base}/feeds/2021-06-30/feeds",
            headers={"x-amz-access-token": token},
            json={
                "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
                "marketplaceIds": [store.marketplace_id],
                "inputFeedDocumentId": row["document_id"],
            },
        )
        assert response.status_code == 202, response.text
        # Sandbox quirk: getFeeds rounds its default createdUntil (now) down to the second, so a
        # feed created in the current second is not listed yet. Amazon's feeds are older by then.
        time.sleep(1.1)
    else:
        response = magento_signed(
            "POST",
            f"{base}/rest/V1/order/{magento['entity_id']}/refund",
            json={
                "notify": False,
                "appendComment": True,
                "comment": {"comment": f"Amazon order {order_id} canceled", "is_visible_on_front": 0},
            },
        )
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("step, held, at_step", STEPS, ids=[step for step, _, _ in STEPS])
def test_sigkill_at_each_step_then_resume(rig, step, held, at_step):
    sandbox, env, data_dir, orders = rig
    order_id = next(orders)
    magento = sandbox.magento_order_for(order_id)
    sandbox.clear_faults()
    sandbox.clear_log()
    sandbox.inject_fault(held, "latency", count=1, latency=HOLD)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amazon_tui",
            "order",
            "cancel",
            order_id,
            "--reason",
            "NoInventory",
            "--yes",
            "--wait",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        # The held request has arrived (its fault is used up) and the journal shows the step; a
        # createFeed is journaled 'sending' (with its document) before it leaves.
        check = at_step or (lambda row: row["state"] == "sending" and row["document_id"] is not None)

        def at_the_step():
            if process.poll() is not None:
                out, err = process.communicate()
                raise AssertionError(f"the process ended before {step}: {out!r} {err!r}")
            return not sandbox.faults.active() and (row := journal_row(data_dir, order_id)) and check(row)

        wait_until(at_the_step, what=f"{step}: {journal_row(data_dir, order_id)} {sandbox.faults.active()}")
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL
    # The held request finishes at the sandbox after its client died (as a real service would).
    wait_until(lambda: sandbox.count(held) >= 1, timeout=HOLD + 5, what=f"{held} to finish at the sandbox")
    if step.endswith("answer lost"):
        land(served_url(env), held, order_id, journal_row(data_dir, order_id), magento)
    before = journal_row(data_dir, order_id)
    assert before is not None and before["state"] != "failed", before

    if step in ("requested", "uploaded, createFeed sent"):
        # the operator runs the command again: it finishes the row it finds, never sends twice
        second = run_cli(["order", "cancel", order_id, "--reason", "NoInventory", "--yes"], env)
        assert second.returncode == 0 and "finishing the cancellation" in second.stderr, second.stderr
    resumed = run_cli(["resume"], env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Traceback" not in resumed.stderr

    row = journal_row(data_dir, order_id)
    assert row["state"] == "canceled" and row["magento_done"], row
    assert sandbox.count("createFeed", 202) == 1, [
        e for e in sandbox.access_log if e.operation == "createFeed"
    ]
    assert sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert audit_outcomes(data_dir, order_id)[:1] == ["requested"]
    outcomes = audit_outcomes(data_dir, order_id)
    assert "canceled" in outcomes and "magento-refund" in outcomes
    if magento is not None:
        memos = sandbox.db.query(
            "SELECT COUNT(*) FROM credit_memos WHERE order_id = ?", (magento["entity_id"],)
        )[0][0]
        assert memos == 1
    with sqlite3.connect(f"file:{data_dir / 'amazon-tui.db'}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM cancellations WHERE order_id = ?", (order_id,)).fetchone()[
            0
        ]
    assert rows == 1  # one journal row, carried to its end
