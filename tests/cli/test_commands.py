"""The scripting CLI on the embedded sandbox: both output modes and every exit code."""

from __future__ import annotations

import json
import re
import socket
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from amazon_tui.cli.main import main


def unshipped_mfn(run, store: str = "Acme US") -> list[dict]:
    _, out, _ = run("orders", "--store", store, "--status", "Unshipped", "--limit", "500", "--json")
    return [row for row in json.loads(out)["orders"] if row["fulfilled_by"] == "MERCHANT"]


def test_sync_prints_plain_progress_lines(run):
    code, out, err = run("sync")
    assert code == 0
    assert "Acme US: page 1, 100 orders" in err and "\r" not in err
    code, out, _ = run("sync", "--json")
    data = json.loads(out)
    assert data["failures"] == {} and {s["store"] for s in data["stores"]} == {
        "Acme US",
        "Acme UK",
        "Acme CA",
    }


def test_stores_table_and_json(synced):
    code, out, _ = synced("stores")
    assert code == 0 and "Acme US" in out and "Inactive" in out
    assert out.splitlines()[0].startswith("SANDBOX: ")
    code, out, _ = synced("stores", "--json")
    data = json.loads(out)
    assert data["sandbox"] is True
    cards = {card["name"]: card for card in data["stores"]}
    assert cards["Acme DE"]["status"] == "Inactive"
    assert cards["Acme US"]["awaiting_shipment"] > 0 and cards["Acme US"]["currency"] == "USD"


def test_orders_json_has_the_documented_fields(synced):
    code, out, _ = synced(
        "orders",
        "--store",
        "Acme UK",
        "--status",
        "SHIPPED",
        "--sort",
        "total:desc",
        "--limit",
        "5",
        "--json",
    )
    assert code == 0
    rows = json.loads(out)["orders"]
    assert len(rows) == 5
    assert {
        "store",
        "order_number",
        "purchase_date",
        "status",
        "status_label",
        "buyer_name",
        "total",
        "currency",
        "notes",
        "magento_order_number",
    } <= set(rows[0])
    assert all(
        r["status"] == "SHIPPED" and r["status_label"] == "Shipped" and r["currency"] == "GBP" for r in rows
    )
    totals = [float(r["total"]) for r in rows]
    assert totals == sorted(totals, reverse=True)


def test_orders_table_fits_80_columns_with_ellipsis(synced, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = synced("orders", "--limit", "40")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("SANDBOX: ") and "Order Number" in lines[1] and "Total" in lines[1]
    assert all(len(line) <= 80 for line in lines[1:])
    assert all(re.search(r"  \d{3}-\d{7}-\d{7}  ", line) for line in lines[3:]), "order numbers are never cut"


@pytest.mark.parametrize(
    "args, message",
    [
        (("orders", "--since", "yesterday"), "bad date"),
        (("orders", "--status", "Lost"), "unknown order status"),
        (("orders", "--min-total", "ten"), "bad amount"),
        (("orders", "--sort", "colour"), "bad --sort"),
        (("orders", "--store", "Nowhere"), "No store named"),
        (("order", "show", "999-0000000-0000000"), "unknown order number"),
        (("order", "cancel", "111-1", "--reason", "Because"), "unknown cancel reason"),
    ],
)
def test_bad_input_exits_2(synced, args, message):
    code, _, err = synced(*args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_order_show_json_matches_the_sandbox(synced):
    order = unshipped_mfn(synced)[0]
    code, out, _ = synced("order", "show", order["order_number"], "--refresh", "--json")
    assert code == 0
    data = json.loads(out)["order"]
    assert data["order_number"] == order["order_number"] and data["status_label"] == "Unshipped"
    assert data["total"] == order["total"] and data["items"] and "packages" in data
    code, out, _ = synced("order", "show", order["order_number"])
    assert code == 0 and order["order_number"] in out and "Qty Ordered" in out


def test_order_show_row_price_is_the_items_price_without_tax(synced):
    """Acme US orders are taxed: row_price is the ITEM part alone (the TUI's Row Price), so
    row_price + row_tax + shipping_price adds up to Amazon's proceeds total, tax counted once."""
    order = unshipped_mfn(synced)[0]
    code, out, _ = synced("order", "show", order["order_number"], "--refresh", "--json")
    assert code == 0
    items = json.loads(out)["order"]["items"]
    for item in items:
        price, tax = Decimal(item["row_price"]), Decimal(item["row_tax"])
        shipping = Decimal(item["shipping_price"] or 0)
        assert tax > 0
        assert price + tax + shipping == Decimal(item["row_total"])
    code, out, _ = synced("order", "show", order["order_number"])
    rows = out.split("\tRow Price\n", 1)[1].splitlines()[: len(items)]  # piped: tab-separated
    assert [row.split("\t")[-1].split()[-1] for row in rows] == [item["row_price"] for item in items]


def test_cancel_asks_and_refuses_without_a_terminal(synced):
    order = unshipped_mfn(synced)[0]
    code, _, err = synced("order", "cancel", order["order_number"], "--reason", "NoInventory")
    assert code == 2 and "stdin is not a terminal" in err


def test_cancel_refuses_what_a_rule_forbids(synced):
    _, out, _ = synced("orders", "--status", "SHIPPED", "--limit", "1", "--json")
    shipped = json.loads(out)["orders"][0]["order_number"]
    code, _, err = synced("order", "cancel", shipped, "--reason", "NoInventory", "--yes")
    assert code == 3 and "Seller Central" in err
    order = unshipped_mfn(synced)[0]
    code, _, err = synced(
        "order", "cancel", order["order_number"], "--reason", "NoInventory", "--yes", "--read-only"
    )
    assert code == 3 and "read-only" in err


def test_cancel_with_wait_and_the_audit(synced):
    ids = [row["order_number"] for row in unshipped_mfn(synced)[:2]]
    code, out, err = synced("order", "cancel", *ids, "--reason", "no inventory", "--yes", "--wait", "--json")
    assert code == 0, err
    assert {(r["order_number"], r["state"]) for r in json.loads(out)["results"]} == {
        (ids[0], "canceled"),
        (ids[1], "canceled"),
    }
    assert "The Amazon order has been canceled and the request has been submitted to Amazon." in err
    code, out, _ = synced("orders", "--status", "CANCELLED", "--limit", "500", "--json")
    assert {r["notes"] for r in json.loads(out)["orders"] if r["order_number"] in ids} == {
        "Status updated to canceled."
    }
    code, out, _ = synced("audit", "--json")
    entries = [e for e in json.loads(out)["entries"] if e["order_id"] == ids[0]]
    assert {e["outcome"] for e in entries} >= {"requested", "submitted", "canceled"}
    assert all(e["operator"] and e["reason"] == "NoInventory" for e in entries)
    code, out, _ = synced("audit")
    assert code == 0 and ids[0] in out
    times = [line.split("\t")[0] for line in out.splitlines()[2:]]  # banner, header, then rows
    assert times and all(re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d UTC", time) for time in times), times


def test_stores_json_has_what_the_cards_show(synced):
    _, out, _ = synced("stores", "--json")
    us = next(card for card in json.loads(out)["stores"] if card["name"] == "Acme US")
    assert us["website"] == "Main Website"
    assert datetime.fromisoformat(us["created"]).utcoffset() == timedelta(0)
    assert all(isinstance(us[key], int) for key in ("late_shipments", "due_soon", "cancellation_requests"))
    _, out, _ = synced("attention", "--json")
    reasons = [row["reason"] for row in json.loads(out)["orders"] if row["store"] == "Acme US"]
    assert us["late_shipments"] + us["due_soon"] + us["cancellation_requests"] == len(reasons)
    _, out, _ = synced("stores")
    header, us_row = (
        out.splitlines()[1],
        next(line for line in out.splitlines() if line.startswith("Acme US")),
    )
    row = dict(zip(header.split("\t"), us_row.split("\t"), strict=True))
    assert (row["Late"], row["Due"], row["Req"]) == tuple(
        str(us[key]) for key in ("late_shipments", "due_soon", "cancellation_requests")
    )


def test_piped_tables_write_an_empty_field_for_an_empty_value(synced):
    _, out, _ = synced("orders", "--limit", "1000", "--json")
    nameless = [row["order_number"] for row in json.loads(out)["orders"] if row["buyer_name"] is None]
    assert nameless, "the sandbox has orders without a buyer name"
    _, out, _ = synced("orders", "--limit", "1000")
    assert "—" not in out
    line = next(line for line in out.splitlines() if nameless[0] in line)
    assert line.split("\t")[4] == ""  # Buyer's Name


def test_completed_is_asc_label_for_shipped_in_help_errors_and_filters(synced, capsys):
    said = "Completed (ASC's label for a shipped order) means Shipped"
    shipped = json.loads(synced("orders", "--status", "Shipped", "--json")[1])
    for word in ("Completed", "completed", "COMPLETED"):
        code, out, _ = synced("orders", "--status", word, "--json")
        assert code == 0 and json.loads(out) == shipped
    code, _, err = synced("orders", "--status", "Lost")
    assert code == 2 and said in err
    with pytest.raises(SystemExit):
        main(["orders", "--help"])
    assert said in " ".join(capsys.readouterr().out.split())


def test_every_error_code_says_what_to_do():
    from amazon_tui.cli.errors import ERROR_CODES, WHAT_TO_DO

    assert set(WHAT_TO_DO) == set(ERROR_CODES)


def test_a_config_without_stores_says_which_file_and_how_to_add_one(run, tmp_path, monkeypatch):
    config = tmp_path / "empty.toml"
    config.write_text("")
    config.chmod(0o600)
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(config))
    code, out, err = run("stores")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(config) in err and "[[stores]]" in err and "amazon-tui init" in err
    code, out, _ = run("orders", "--json")
    error = json.loads(out)
    assert code == 2 and error["error"]["code"] == "config" and error["sandbox"] is False
    code, out, tui_err = run()  # the TUI: the same line, before any screen
    assert code == 2 and out == "" and tui_err == err


def test_attention_exit_code_and_json(synced):
    code, out, _ = synced("attention", "--json")
    assert code == 4
    items = json.loads(out)["orders"]
    assert {item["reason"] for item in items} == {"late", "due", "buyer-cancel"}
    assert any(item["time_left"].startswith("overdue") for item in items)


def test_service_failure_exits_1(run, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, _ = run("sandbox", "config", "--port", str(port))
    assert code == 0
    config = tmp_path / "config.toml"
    config.write_text(out)
    config.chmod(0o600)
    code, _, err = run("sync", "--config", str(config))
    assert code == 1
    assert "Traceback" not in err and "Acme US" in err


def test_no_color_output_has_no_escape_sequences(synced, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    for args in (("stores",), ("orders", "--limit", "5"), ("attention",)):
        _, out, err = synced(*args)
        assert "\x1b" not in out + err


def test_attention_exits_0_when_nothing_needs_attention_and_4_after_a_sync(run):
    code, out, _ = run("attention")  # nothing synced yet: the local store is empty
    assert code == 0 and "Nothing needs attention." in out
    code, out, _ = run("attention", "--sync", "--json")
    items = json.loads(out)["orders"]
    assert code == 4 and items
    rank = {"buyer-cancel": 0, "late": 1, "due": 2}
    keys = [(rank[item["reason"]], item["due"]) for item in items]
    assert keys == sorted(keys), "most urgent first, as on the Attention screen"
    assert all(item["time_left"].startswith(("overdue ", "due in ")) for item in items)
