"""Hostile data in the CLI: tables carry no terminal control bytes, JSON round-trips exactly."""

from __future__ import annotations

import json

import pytest

from tests.support.hostile import (
    HOSTILE,
    LONG_TITLE,
    VISIBLE,
    make_hostile_amazon,
    terminal_bytes,
    unshipped_mfn,
)
from tests.support.processes import in_process_cli


@pytest.fixture
def cli(served, tmp_path, monkeypatch, capsys):
    return in_process_cli(served, tmp_path, monkeypatch, capsys)


def test_hostile_order_in_every_cli_output(cli, served):
    sandbox = served.sandbox
    assert cli("sync")[0] == 0
    order_id, long_id = unshipped_mfn(sandbox)[:2]
    make_hostile_amazon(sandbox, order_id)
    make_hostile_amazon(sandbox, long_id, title=LONG_TITLE)
    code, _, err = cli("sync")  # the change arrives through the incremental sync
    assert code == 0, err

    outputs = []
    for args in (
        ("orders", "--limit", "200"),
        ("order", "show", order_id),
        ("order", "show", long_id),
        ("attention",),
        ("stores",),
    ):
        code, out, err = cli(*args)
        assert code in (0, 4), (args, err)
        assert terminal_bytes(out) == [] and terminal_bytes(err) == [], args
        outputs.append(out)
    table, show, long_show = outputs[:3]
    assert "[bold]B[/bold]" in show and "[@click=app.quit]Q[/]" in show and "שלום" in show
    assert "\\x1b[2J" in show  # the escape is shown as text, not sent
    assert LONG_TITLE in long_show and "…" not in table  # piped: tab-separated, nothing cut
    rows = [line.split("\t") for line in table.splitlines()[1:]]
    assert {len(row) for row in rows} == {7}, "a hostile value never adds or removes a column"


def test_on_a_terminal_tables_fit_its_width_and_cut_only_free_text(cli, served, monkeypatch):
    sandbox = served.sandbox
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(sandbox)[0]
    make_hostile_amazon(sandbox, order_id, title=LONG_TITLE)
    assert cli("sync")[0] == 0
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    for columns in (80, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        code, table, _ = cli("orders", "--limit", "200")
        assert code == 0 and all(len(line) <= columns for line in table.splitlines()), [
            wide for wide in table.splitlines() if len(wide) > columns
        ][:3]
        code, show, _ = cli("order", "show", order_id)
        items_table = show[show.index("Qty Shipped") :].splitlines()
        assert all(len(line) <= columns for line in items_table) and "…" in items_table[2], (
            items_table
        )  # the title shrinks
        asin = sandbox.db.amazon_order(order_id)["orderItems"][0]["product"]["asin"]
        assert asin in items_table[2], "an identifier is never cut"

    code, out, _ = cli("orders", "--limit", "200", "--json")
    assert terminal_bytes(out) == []
    rows = {row["order_number"]: row for row in json.loads(out)["orders"]}
    assert rows[order_id]["buyer_name"] == HOSTILE
    code, out, _ = cli("order", "show", order_id, "--json")
    assert code == 0 and terminal_bytes(out) == []
    data = json.loads(out)["order"]
    assert data["buyer_name"] == HOSTILE and data["buyer_email"] == HOSTILE
    assert {item["title"] for item in data["items"]} == {LONG_TITLE}, "JSON never cuts"
    assert data["shipping_address"]["line1"] == HOSTILE
    for visible in VISIBLE:
        assert visible in json.dumps(data, ensure_ascii=False)


def test_hostile_text_in_a_service_error_is_inert(cli, served):
    """Amazon's error text (an unknown order) reaches stderr without control bytes."""
    code, out, err = cli("order", "show", "111-\x1b]52;c;eA==\x07-0000000", "--refresh")
    assert terminal_bytes(out + err) == [], err
    assert code == 2, err
    assert "Traceback" not in err


def test_empty_and_missing_optional_fields(cli, served):
    sandbox = served.sandbox
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(sandbox)[0]
    doc = sandbox.db.amazon_order(order_id)
    doc["buyer"] = {"buyerName": "", "buyerEmail": None}
    doc.pop("recipient", None)
    for item in doc["orderItems"]:
        item["product"]["title"] = ""
        item["product"].pop("condition", None)
    from tests.support.hostile import bump

    sandbox.db.save_amazon_order(bump(sandbox, doc))
    assert cli("sync")[0] == 0
    code, out, err = cli("order", "show", order_id)
    assert code == 0, err
    assert "Buyer name" in out and "not provided by Amazon" in out
    code, out, _ = cli("order", "show", order_id, "--json")
    data = json.loads(out)["order"]
    assert data["buyer_name"] is None and data["shipping_address"] is None
