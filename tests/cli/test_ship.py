"""``order ship`` and ``shipments`` on the embedded sandbox: outcomes and exit codes."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_commands import unshipped_mfn

UPS = ("--carrier", "ups", "--tracking", "1Z999AA10123456784")


def shipped(run) -> str:
    _, out, _ = run("orders", "--store", "Acme US", "--status", "Shipped", "--limit", "50", "--json")
    return next(o["order_number"] for o in json.loads(out)["orders"] if o["fulfilled_by"] == "MERCHANT")


def test_ship_asks_and_refuses_without_a_terminal(synced):
    order = unshipped_mfn(synced)[0]["order_number"]
    code, _, err = synced("order", "ship", order, *UPS)
    assert code == 2 and "pass --yes" in err


def test_ship_confirms_once_and_shipments_lists_it(synced):
    order = unshipped_mfn(synced)[0]["order_number"]
    code, out, err = synced("order", "ship", order, *UPS, "--method", "Ground", "--yes", "--json")
    assert code == 0, err
    [result] = json.loads(out)["results"]
    assert result["state"] == "confirmed" and result["carrier_code"] == "UPS" and result["source"] == "manual"
    code, out, _ = synced("shipments", "--json")
    assert code == 0 and json.loads(out)["shipments"] == []
    code, out, _ = synced("shipments", "--all", "--json")
    assert [row["order_number"] for row in json.loads(out)["shipments"]] == [order]
    code, out, _ = synced("order", "show", order, "--json")
    assert json.loads(out)["order"]["status"] in ("Shipped", "SHIPPED")
    code, out, err = synced("order", "ship", order, *UPS, "--yes", "--json")  # shipped now
    assert code == 3 and json.loads(out)["error"]["code"] == "not_shippable"
    code, out, _ = synced("audit", "--json")
    assert [e["outcome"] for e in json.loads(out)["entries"] if e["order_id"] == order][:1] == ["confirmed"]


@pytest.mark.parametrize(
    ("extra", "code_name"),
    [(("--items", "NO-SUCH-SKU=1"), "nothing_to_ship")],
)
def test_ship_refuses_items_the_order_does_not_hold(synced, extra, code_name):
    order = unshipped_mfn(synced)[0]["order_number"]
    code, out, _ = synced("order", "ship", order, *UPS, *extra, "--yes", "--json")
    assert code == 3 and json.loads(out)["error"]["code"] == code_name


def test_ship_refuses_a_shipped_order_and_a_read_only_session(synced):
    code, out, _ = synced("order", "ship", shipped(synced), *UPS, "--yes", "--json")
    assert code == 3 and json.loads(out)["error"]["code"] == "not_shippable"
    order = unshipped_mfn(synced)[0]["order_number"]
    code, out, _ = synced("--read-only", "order", "ship", order, *UPS, "--yes", "--json")
    assert code == 3 and json.loads(out)["error"]["code"] == "read_only"


@pytest.mark.parametrize(
    "args",
    [
        ("--carrier", "ups", "--tracking", "1Z;rm -rf"),
        ("--carrier", "", "--tracking", "1Z"),
        ("--carrier", "ups", "--tracking", "1Z", "--date", "2999-01-01"),
        ("--carrier", "ups", "--tracking", "1Z", "--items", "SKU=0"),
        ("--carrier", "ups", "--tracking", "1Z", "--items", "SKU"),
        ("--carrier", "ups", "--tracking", "1" * 101),
    ],
)
def test_ship_bad_values_exit_2(run, args):
    code, _, err = run("order", "ship", "111-0000000-0000000", *args, "--yes")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
