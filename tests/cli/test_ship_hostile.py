"""Hostile tests of ``order ship`` / ``shipments`` (issue 33): what a Magento tracking number
carries reaches neither Amazon nor the terminal as control bytes; ``order ship`` reports what
the operator asked for."""

from __future__ import annotations

import json

import pytest

from tests.support.hostile import ANSI, RTL, terminal_bytes, unshipped_mfn
from tests.support.processes import in_process_cli

HOSTILE_TRACK = f"1Z{ANSI}{RTL}"


@pytest.fixture
def cli(served, tmp_path, monkeypatch, capsys):
    return in_process_cli(served, tmp_path, monkeypatch, capsys)


def magento_row_unfinished(cli, sandbox) -> str:
    """A Magento shipment with a hostile tracking number, journaled and left ``sending``."""
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(sandbox, with_magento=True)[0]
    sandbox.magento_ship(order_id, carrier_code="ups", track_number=HOSTILE_TRACK)
    sandbox.inject_fault("confirmShipment", "applied_error", count=1)
    assert cli("sync")[0] == 0
    return order_id


def test_a_magento_tracking_number_with_control_bytes_is_not_sent_to_amazon(cli, served):
    """Expected: a Magento track number holding escapes/bidi is not confirmed as it stands (the
    CLI refuses such a number typed by hand). Actual: Amazon is told it, and the buyer sees it."""
    sandbox = served.sandbox
    order_id = magento_row_unfinished(cli, sandbox)
    told = [p["trackingNumber"] for p in sandbox.get_order_raw(order_id).get("packages") or []]
    assert all(terminal_bytes(number) == [] and "\u202e" not in number for number in told), told


def test_order_ship_prints_no_control_bytes_and_reports_what_was_asked(cli, served):
    """``order ship --tracking 1ZMINE`` while Magento's shipment of the order is unfinished.
    Expected: stdout without terminal control bytes, and either 1ZMINE confirmed or a refusal
    saying another shipment was finished instead. Actual: Magento's row is finished and printed
    raw (escapes reach the terminal), exit 0, 1ZMINE is never sent."""
    sandbox = served.sandbox
    order_id = magento_row_unfinished(cli, sandbox)
    code, out, err = cli("order", "ship", order_id, "--carrier", "ups", "--tracking", "1ZMINE", "--yes")
    assert terminal_bytes(out) == [] and terminal_bytes(err) == [], out
    assert code != 0 or "1ZMINE" in out, (code, out, err)


def test_shipments_lists_a_hostile_tracking_number_inertly(cli, served):
    """Held?: ``shipments`` (table and JSON) shows the hostile number without control bytes in the
    table, and exactly in JSON."""
    sandbox = served.sandbox
    magento_row_unfinished(cli, sandbox)
    code, out, err = cli("shipments", "--all")
    assert code in (0, 4), err
    assert terminal_bytes(out) == [] and terminal_bytes(err) == []
    code, out, _ = cli("shipments", "--all", "--json")
    [row] = json.loads(out)["shipments"]  # not sent: failed with why, the number named inert
    assert row["state"] == "failed" and row["tracking_number"] is None
    assert "\\x1b" in row["cause"] and "\x1b" not in row["cause"]


def test_amazons_400_echoing_the_request_leaks_no_secret(cli, served, tmp_path):
    """Held?: confirmShipment answers 400 handing the request back (headers, token and all).
    ``order ship``, ``shipments``, ``audit`` and the data dir's bytes hold no secret."""
    from tests.cli.test_secrets import secrets_of

    sandbox = served.sandbox
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(sandbox, with_magento=True)[0]
    sandbox.inject_fault("confirmShipment", "echo", count=1, status=400)
    code, out, err = cli("order", "ship", order_id, "--carrier", "ups", "--tracking", "1ZECHO", "--yes")
    assert code == 1, (out, err)
    outputs = [out, err]
    for args in (
        ("shipments", "--all", "--json"),
        ("shipments", "--all"),
        ("audit", "--json"),
        ("attention",),
    ):
        outputs += cli(*args)[1:]
    data = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    for secret in secrets_of(sandbox):
        assert all(secret not in text for text in outputs), secret[:4]
        assert secret.encode() not in data, secret[:4]


@pytest.mark.parametrize("where", ["before", "after"])
def test_read_only_before_or_after_order_ship_sends_nothing(cli, served, where):
    """Held?: ``--read-only`` anywhere on the line refuses (exit 3, read_only), nothing sent."""
    sandbox = served.sandbox
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(sandbox, with_magento=True)[0]
    sandbox.clear_log()
    ship = ["order", "ship", order_id, "--carrier", "ups", "--tracking", "1ZRO", "--yes", "--json"]
    args = ["--read-only", *ship] if where == "before" else [*ship, "--read-only"]
    code, out, _ = cli(*args)
    assert code == 3 and json.loads(out)["error"]["code"] == "read_only"
    assert sandbox.count("confirmShipment") == 0 and sandbox.count("getOrder") == 0
    code, out, _ = cli("resume", "--read-only", "--json")
    assert sandbox.count("confirmShipment") == 0


def test_a_custom_carrier_title_with_control_bytes_is_not_sent_to_amazon(cli, served):
    """Expected: a custom carrier whose Magento title holds escapes/bidi is not sent as the
    carrierName (the CLI refuses such a carrier typed by hand). Actual: Amazon is told it."""
    sandbox = served.sandbox
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(sandbox, with_magento=True)[0]
    sandbox.magento_ship(order_id, carrier_code="custom", title=f"Bros{ANSI}{RTL}", track_number="PB1")
    assert cli("sync")[0] == 0
    told = [p["carrier"] for p in sandbox.get_order_raw(order_id).get("packages") or []]
    assert all(terminal_bytes(name) == [] and "\u202e" not in name for name in told), told
