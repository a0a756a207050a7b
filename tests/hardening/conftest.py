"""Shared pieces of the hardening tests: hostile strings, a served sandbox, CLI runners."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from amazon_tui.sandbox import Sandbox, sandbox_config
from amazon_tui.sandbox.clock import iso
from amazon_tui.sandbox.serve import ServedSandbox, serving

REPO = Path(__file__).resolve().parents[2]

# Every payload of issue 9: markup, escapes, controls, bidi, emoji, zero-width.
MARKUP = "[bold]B[/bold] [/] [link=x]x[/link] [@click=app.quit]Q[/]"
ANSI = "\x1b[2J\x1b[31mred\x1b[0m\x1b]52;c;cHduZWQ=\x07"
CONTROL = "nul\x00bs\x08del\x7fcsi\x9b31m"
RTL = "\u202eevil\u202c שלום مرحبا"
EMOJI = "👩\u200d👩\u200d👧 zero\u200bwidth\ufeff é"
HOSTILE = f"{MARKUP} {ANSI} {CONTROL} {RTL} {EMOJI}"
LONG_TITLE = ("W" * 9_990) + "-end-title"  # 10,000 characters
# What must reach a screen or stdout verbatim (the visible parts of the payloads).
VISIBLE = ["[bold]B[/bold]", "[/]", "[link=x]x[/link]", "[@click=app.quit]Q[/]", "שלום", "مرحبا", "👩"]
# Bytes a terminal would act on: C0 controls (but tab/newline), DEL, C1 controls.
FORBIDDEN = [chr(c) for c in range(32) if c not in (9, 10)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]


def terminal_bytes(text: str) -> list[str]:
    """The forbidden control characters present in ``text`` (none, for safe output)."""
    return sorted({char for char in text if char in FORBIDDEN})


def bump(sandbox: Sandbox, doc: dict) -> dict:
    doc["lastUpdatedTime"] = iso(sandbox.clock())
    return doc


def make_hostile_amazon(sandbox: Sandbox, order_id: str, text: str = HOSTILE, *, title: str | None = None) -> dict:
    """Put ``text`` in every free-text field of the order Amazon holds, and mark it updated."""
    doc = sandbox.db.amazon_order(order_id)
    doc.setdefault("buyer", {})["buyerName"] = text
    doc["buyer"]["buyerEmail"] = text
    address = doc.setdefault("recipient", {}).setdefault("deliveryAddress", {})
    for key in ("name", "addressLine1", "addressLine2", "city", "stateOrRegion", "phone"):
        address[key] = text
    for item in doc["orderItems"]:
        item["product"]["title"] = title if title is not None else text
        item["product"]["sellerSku"] = "SKU " + text
    for package in doc.get("packages", []):
        package["carrier"] = text
        package["trackingNumber"] = text
        package["shippingService"] = text
    sandbox.db.save_amazon_order(bump(sandbox, doc))
    return doc


def make_hostile_magento(sandbox: Sandbox, order_id: str, text: str = HOSTILE) -> dict | None:
    doc = sandbox.magento_order_for(order_id)
    if doc is None:
        return None
    doc["customer_firstname"] = text
    doc["customer_lastname"] = text
    for item in doc.get("items", []):
        item["name"] = text
    for key in ("billing_address",):
        if isinstance(doc.get(key), dict):
            doc[key]["firstname"] = text
            doc[key]["street"] = [text]
            doc[key]["city"] = text
    for history in doc.get("status_histories", []):
        history["comment"] = text
    sandbox.db.save_magento_order(doc)
    return doc


def unshipped_mfn(sandbox: Sandbox, seller_id: str = "A1SANDBOXACMEUS", *, with_magento: bool | None = None) -> list[str]:
    rows = sandbox.db.query(
        "SELECT order_id FROM amazon_orders WHERE seller_id = ? AND fulfillment_status = 'UNSHIPPED' AND fulfilled_by = 'MERCHANT' ORDER BY created_time DESC",
        (seller_id,),
    )
    ids = [row["order_id"] for row in rows]
    if with_magento is None:
        return ids
    return [oid for oid in ids if (sandbox.magento_order_for(oid) is not None) == with_magento]


@pytest.fixture
def served(tmp_path) -> Iterator[ServedSandbox]:
    """A small sandbox on a real loopback socket (port chosen by the OS)."""
    sandbox = Sandbox(tmp_path / "served-sandbox.db", orders_per_store=40, time_scale=1000, feed_delay_seconds=0.3)
    with serving(sandbox) as running:
        yield running
    sandbox.close()


def write_config(path: Path, base_url: str, **overrides) -> Path:
    raw = sandbox_config(base_url)
    for section, values in overrides.items():
        raw.setdefault(section, {}).update(values)
    path.write_text(tomli_w.dumps(raw))
    path.chmod(0o600)
    return path


def in_process_cli(served: ServedSandbox, tmp_path: Path, monkeypatch, capsys, **overrides):
    """``amazon-tui ARGS`` in-process against ``served``; returns (code, stdout, stderr). ``.config`` is its file."""
    from amazon_tui.cli.main import main

    config = write_config(tmp_path / "config.toml", served.base_url, **overrides)
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(config))
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    invoke.config = config
    return invoke


def wait_until(predicate, timeout: float = 20.0, what: str = "condition"):
    """``predicate()``'s first true value, polled every 20 ms; AssertionError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def magento_signed(method: str, url: str, **kwargs):
    """A request to the sandbox's Magento signed as the sandbox integration (oauthlib, in the test itself)."""
    import httpx
    from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, Client

    from amazon_tui.sandbox.catalog import magento_credentials

    values = magento_credentials()
    client = Client(values["consumer_key"], client_secret=values["consumer_secret"], resource_owner_key=values["access_token"],
                    resource_owner_secret=values["access_token_secret"], signature_method=SIGNATURE_HMAC_SHA256)
    request = httpx.Request(method, url, **kwargs)
    _, headers, _ = client.sign(str(request.url), http_method=method)
    request.headers["Authorization"] = headers["Authorization"]
    with httpx.Client() as http:
        return http.send(request)


def cli_env(data_dir: Path, config: Path | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AMAZON_TUI_")}
    env["AMAZON_TUI_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    if config is not None:
        env["AMAZON_TUI_CONFIG"] = str(config)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m amazon_tui ARGS`` in a subprocess, bounded."""
    return subprocess.run([sys.executable, "-m", "amazon_tui", *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO)
