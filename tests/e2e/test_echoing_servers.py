"""Servers that echo the request back leak nothing, anywhere the product writes (issue 30).

A served sandbox answers with the ``echo`` fault (the request's body, headers and URL in the
error text, as careless servers and proxies do) on each operation in turn; real ``amazon-tui``
processes sync, show and cancel. No configured secret and no token the sandbox minted may then
appear in stdout, stderr, the database files, the log or a crash file, in any spelling.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import serving
from tests.support.hostile import unshipped_mfn
from tests.support.processes import cli_env, run_cli, write_config

SECRET_KEYS = {"client_secret", "refresh_token", "access_token", "access_token_secret", "consumer_secret"}


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    root = tmp_path_factory.mktemp("echo")
    sandbox = Sandbox(root / "sandbox.db", orders_per_store=20, time_scale=1000, feed_delay_seconds=0.2)
    with serving(sandbox) as served:
        yield sandbox, write_config(root / "config.toml", served.base_url)
    sandbox.close()


def configured_secrets(config: Path) -> set[str]:
    raw = tomllib.loads(config.read_text())
    found = {value for key, value in raw["amazon"].items() if key in SECRET_KEYS}
    found |= {value for key, value in raw["magento"].items() if key in SECRET_KEYS}
    return found | {store["refresh_token"] for store in raw["stores"]}


def spellings(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), secret.replace("/", "\\/")}


def leaks(secrets: set[str], texts: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (where, spelling)
        for where, text in texts.items()
        for secret in secrets
        for spelling in spellings(secret)
        if spelling in text
    ]


def written_files(data_dir: Path) -> dict[str, str]:
    """Every file under the data dir (database, WAL, state: log and crash files), as text."""
    return {
        str(path.relative_to(data_dir)): path.read_bytes().decode("utf-8", "replace")
        for path in data_dir.rglob("*")
        if path.is_file()
    }


@pytest.mark.parametrize(
    ("operation", "command", "carries_a_secret"),
    [
        ("lwaToken", "sync", True),
        ("searchOrders", "sync", True),
        ("magentoSearchOrders", "sync", True),
        ("getOrder", "show", True),
        ("createFeedDocument", "cancel", True),
        ("uploadFeedDocument", "cancel", False),  # a presigned URL: none of our secrets is sent
        ("createFeed", "cancel", True),
        ("magentoRefund", "cancel", True),
    ],
)
def test_an_echoing_server_leaks_no_secret(rig, tmp_path, operation, command, carries_a_secret):
    sandbox, config = rig
    data_dir = tmp_path / "data"
    env = cli_env(data_dir, config)
    sandbox.clear_faults()
    outputs: dict[str, str] = {}
    if command != "sync":
        synced = run_cli(["sync", "--store", "Acme US"], env)
        assert synced.returncode == 0, synced.stderr
    order_id = unshipped_mfn(sandbox, with_magento=True)[0]
    sandbox.inject_fault(operation, "echo")
    try:
        runs = {
            "sync": [["sync", "--store", "Acme US"], ["sync", "--store", "Acme US", "--json"]],
            "show": [
                ["order", "show", order_id, "--refresh"],
                ["order", "show", order_id, "--refresh", "--json"],
            ],
            "cancel": [["order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--wait", "--json"]],
        }[command]
        for args in [*runs, ["stores", "--json"], ["audit", "--json"]]:
            done = run_cli(args, env)
            outputs[" ".join(args) + " (stdout)"] = done.stdout
            outputs[" ".join(args) + " (stderr)"] = done.stderr
    finally:
        sandbox.clear_faults()
    echoed = [e for e in sandbox.access_log if e.operation == operation and e.status >= 400]
    assert echoed, f"the {operation} echo was never served"
    minted = {row["token"] for row in sandbox.db.query("SELECT token FROM access_tokens")}
    secrets = configured_secrets(config) | minted
    assert leaks(secrets, outputs | written_files(data_dir)) == []
    if carries_a_secret:
        assert any("********" in text for text in outputs.values()), "the echo reached an output, redacted"
