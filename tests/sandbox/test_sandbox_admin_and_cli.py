"""Admin endpoints, the access log, serving helpers and the `sandbox` CLI commands."""

from __future__ import annotations

import argparse
import tomllib

import httpx
import pytest

from amazon_tui.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    Sandbox,
    create_app,
    default_db_path,
    sandbox_config,
)
from amazon_tui.sandbox.cli import add_sandbox_commands
from tests.support.sandbox_http import ADMIN_HEADERS, BASE_URL, ORDERS


async def test_access_log_records_operations(sandbox, client, us_headers, us):
    sandbox.clear_log()
    await client.get(ORDERS, params={"createdAfter": "2026-01-01T00:00:00Z"}, headers=us_headers)
    await client.get(f"{ORDERS}/111-0000000-0000000", headers=us_headers)
    entries = sandbox.access_log
    assert [(e.operation, e.status, e.method, e.seller_id) for e in entries] == [
        ("searchOrders", 200, "GET", us.seller_id),
        ("getOrder", 404, "GET", us.seller_id),
    ]
    assert entries[1]["path"] == f"{ORDERS}/111-0000000-0000000" and entries[1]["time"]
    assert sandbox.count("getOrder") == 1 and sandbox.count("getOrder", 200) == 0
    log = (await client.get("/_sandbox/log", params={"operation": "getOrder"})).json()
    assert [entry["status"] for entry in log["entries"]] == [404]


async def test_admin_orders_ship_reset_and_clock(sandbox, client, us, clock):
    added = await client.post("/_sandbox/orders", json={"store": "Acme US", "count": 2})
    assert added.status_code == 201
    order_id = added.json()["orderIds"][0]
    raw = (await client.get(f"/_sandbox/orders/{order_id}")).json()
    assert raw["orderId"] == order_id
    if raw["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED":
        shipped = await client.post(f"/_sandbox/orders/{order_id}/ship", headers=ADMIN_HEADERS)
        assert shipped.json()["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    missing = await client.post("/_sandbox/orders/111-0000000-0000000/ship", headers=ADMIN_HEADERS)
    assert missing.status_code == 404
    moved = await client.post("/_sandbox/clock", json={"advance_seconds": 90})
    assert moved.json()["now"] == "2026-03-02T12:01:30Z"
    reset = await client.post("/_sandbox/reset", json={"seed": 3, "orders_per_store": 10})
    assert reset.json()["seed"] == 3
    assert (await client.get("/_sandbox")).json()["stores"][0]["name"] == "Acme US"


async def test_admin_is_loopback_only(sandbox):
    transport = httpx.ASGITransport(app=sandbox.app, client=("203.0.113.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        assert (await client.get("/_sandbox/log")).status_code == 403


async def test_clock_endpoint_needs_a_controllable_clock(tmp_path):
    sandbox = Sandbox(tmp_path / "real.db", orders_per_store=2)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(sandbox)), base_url=BASE_URL
    ) as client:
        response = await client.post("/_sandbox/clock", json={"advance_seconds": 5})
    assert response.status_code == 409
    sandbox.close()


def test_sandbox_config_shape(sandbox):
    config = sandbox_config("http://127.0.0.1:8765")
    assert config["amazon"] == {
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
        "lwa_endpoint": "http://127.0.0.1:8765/auth/o2/token",
    }
    assert config["magento"]["base_url"] == "http://127.0.0.1:8765"
    assert config["magento"]["amazon_order_field"] == "payment.po_number"
    assert config["magento"]["on_amazon_cancel"] == "refund"
    assert [store["name"] for store in config["stores"]] == [s.name for s in sandbox.stores]
    first = config["stores"][0]
    assert first == {
        "name": "Acme US",
        "marketplace": "US",
        "seller_id": sandbox.stores[0].seller_id,
        "refresh_token": sandbox.stores[0].refresh_token,
        "endpoint": "http://127.0.0.1:8765",
        "magento_store_id": 1,
        "magento_website": "Main Website",
        "active": True,
    }


def _parse(*argv):
    parser = argparse.ArgumentParser(prog="amazon-tui")
    add_sandbox_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli_config_prints_a_complete_config(capsys):
    args = _parse("sandbox", "config", "--port", "9000")
    assert args.func(args) == 0
    printed = tomllib.loads(capsys.readouterr().out)
    assert printed == sandbox_config("http://127.0.0.1:9000")


def test_cli_reset_and_serve_arguments(tmp_path, capsys):
    db = tmp_path / "cli.db"
    args = _parse("sandbox", "reset", "--db", str(db), "--seed", "5", "--orders-per-store", "12")
    assert args.func(args) == 0
    sandbox = Sandbox(db)
    assert sandbox.seeded_with["seed"] == 5 and sandbox.seeded_with["orders_per_store"] == 12
    sandbox.close()
    serve = _parse("sandbox", "serve", "--port", "0", "--time-scale", "50", "--arrivals-per-minute", "2")
    assert (serve.host, serve.port, serve.time_scale, serve.arrivals_per_minute) == (
        "127.0.0.1",
        0,
        50.0,
        2.0,
    )


def test_default_db_path(monkeypatch, tmp_path):
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(tmp_path))
    assert default_db_path() == tmp_path / "sandbox" / "sandbox.db"
    monkeypatch.delenv("AMAZON_TUI_DATA_DIR")
    assert default_db_path().parts[-2:] == ("sandbox", "sandbox.db")


def test_default_db_path_is_the_embedded_sandboxs(monkeypatch, tmp_path):
    """`sandbox reset` must reseed the data the app shows when it runs on the sandbox."""
    from amazon_tui.config.settings import load_settings

    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(tmp_path))
    assert load_settings(sandbox=True).data_dir / "sandbox.db" == default_db_path()


def test_importing_the_package_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, amazon_tui.sandbox; "
        "print(sorted(m for m in ('uvicorn', 'defusedxml', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(sys.path)},
    )
    assert out.stdout.strip() == "[]"


def test_cli_reset_one_big_store_as_of_a_time(tmp_path, capsys):
    db = tmp_path / "big.db"
    argv = (
        "sandbox",
        "reset",
        "--db",
        str(db),
        "--store",
        "acme ca",
        "--orders-per-store",
        "150",
        "--now",
        "2026-11-20T12:00:00Z",
    )
    args = _parse(*argv)
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "150 orders in Acme CA, 320 per other active store" in printed
    sandbox = Sandbox(db)
    assert sandbox.seeded_with["store_orders"] == {"Acme CA": 150}
    assert sandbox.seeded_with["seeded_at"] == "2026-11-20T12:00:00Z"
    counts = sandbox.describe()["stores"]
    assert [sum(store["orders"].values()) for store in counts] == [320, 320, 150, 40]
    first = sandbox.db.query("SELECT order_id, doc FROM amazon_orders ORDER BY order_id")
    sandbox.close()
    args = _parse(*argv)  # the same options again: the same data
    assert args.func(args) == 0
    sandbox = Sandbox(db)
    assert [
        tuple(row) for row in sandbox.db.query("SELECT order_id, doc FROM amazon_orders ORDER BY order_id")
    ] == [tuple(r) for r in first]
    sandbox.close()


def test_cli_reset_seeds_a_new_database_once(tmp_path, monkeypatch):
    seeded = []
    original = Sandbox.reset

    def counting(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seeded.append(self.orders_per_store)

    monkeypatch.setattr(Sandbox, "reset", counting)
    args = _parse("sandbox", "reset", "--db", str(tmp_path / "new.db"), "--orders-per-store", "30")
    assert args.func(args) == 0
    assert [count for count in seeded if count] == [30]  # opening it seeded nothing


def test_cli_store_needs_a_size_and_a_known_store(tmp_path, capsys):
    db = str(tmp_path / "bad.db")
    args = _parse("sandbox", "reset", "--db", db, "--store", "Acme US")
    assert args.func(args) == 2
    assert "--store needs --orders-per-store" in capsys.readouterr().err
    args = _parse("sandbox", "reset", "--db", db, "--store", "Acme FR", "--orders-per-store", "5")
    assert args.func(args) == 2
    assert "Acme FR" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--port", "99999999"),
        ("config", "--port", "-5"),
        ("reset", "--orders-per-store", "1e9"),
        ("reset", "--orders-per-store", "99999999999999999999"),
        ("serve", "--time-scale", "nan"),
        ("serve", "--arrivals-per-minute", "inf"),
        ("reset", "--seed", "-1"),
    ],
)
def test_cli_numbers_out_of_range_are_one_usage_line(args, capsys):
    """Issue 30: a bound for every number, one line and exit 2, never an OverflowError trace."""
    from amazon_tui.cli.main import main

    assert main(["sandbox", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"argument {args[1]}:" in err, err
