"""No secret in any output: CLI stdout/stderr under faults, config show, audit, journal, DB bytes, logs."""

from __future__ import annotations

import stat

import httpx

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.catalog import (
    MAGENTO_ACCESS_TOKEN_SECRET,
    MAGENTO_ADMIN_PASSWORD,
    MAGENTO_CONSUMER_SECRET,
    MAGENTO_INTEGRATION_TOKEN,
    SANDBOX_CLIENT_SECRET,
    STORES,
)
from amazon_tui.sandbox.serve import ServedSandbox
from tests.support.hostile import unshipped_mfn
from tests.support.processes import cli_env, run_cli, write_config

# (operation, fault, count, the command that meets it)
FAULTS = [
    ("lwaToken", "invalid_token", None, "sync"),
    ("lwaToken", "500", 2, "sync"),
    ("searchOrders", "expired_token", 1, "sync"),
    ("magentoSearchOrders", "magento_401", None, "sync"),
    ("getOrder", "invalid_token", None, "show"),
    ("magentoRefund", "magento_401", None, "cancel"),
    ("createFeed", "500", 1, "cancel"),
    ("getFeed", "malformed_json", 1, "cancel"),
]


def secrets_of(sandbox: Sandbox) -> set[str]:
    issued = {row[0] for row in sandbox.db.query("SELECT token FROM access_tokens")}
    return {
        SANDBOX_CLIENT_SECRET,
        MAGENTO_INTEGRATION_TOKEN,
        MAGENTO_ADMIN_PASSWORD,
        MAGENTO_CONSUMER_SECRET,
        MAGENTO_ACCESS_TOKEN_SECRET,
        *(s.refresh_token for s in STORES),
        *issued,
    }


def test_no_secret_reaches_any_output_under_faults(served, tmp_path):
    sandbox = served.sandbox
    config = write_config(tmp_path / "config.toml", served.base_url)
    data = tmp_path / "data"
    env = cli_env(data, config)
    outputs: list[str] = []

    def run(*args: str):
        result = run_cli(list(args), env)
        outputs.append(result.stdout + result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    assert run("sync").returncode == 0
    order_ids = iter(unshipped_mfn(sandbox, with_magento=True))
    for operation, kind, times, command in FAULTS:
        sandbox.clear_faults()
        sandbox.inject_fault(operation, kind, count=times)
        if command == "sync":
            run("sync", "--store", "Acme US")
        elif command == "show":
            run("order", "show", next(order_ids), "--refresh")
        else:
            run("order", "cancel", next(order_ids), "--reason", "NoInventory", "--yes", "--wait")
    sandbox.clear_faults()
    run("resume")
    run("audit")
    run("audit", "--json")
    run("config", "show")
    shown = outputs[-1]
    assert "redacted" in shown.lower() or "***" in shown

    secrets = secrets_of(sandbox)
    assert len(secrets) > 6  # the sandbox issued access tokens during the runs
    everything = "\n".join(outputs)
    files = [path for path in data.rglob("*") if path.is_file()]
    assert files, "the local store exists"
    blobs = {str(path): path.read_bytes() for path in files}
    for secret in secrets:
        assert secret not in everything, f"secret {secret[:8]}… in CLI output"
        for name, blob in blobs.items():
            assert secret.encode() not in blob, f"secret {secret[:8]}… in {name}"


def test_config_files_with_secrets_are_private(tmp_path, monkeypatch, capsys):
    """``init``'s writer makes the file 0600; a readable file with inline secrets gets a warning."""
    import tomli_w

    from amazon_tui.cli.main import main
    from amazon_tui.config.schema import parse_config
    from amazon_tui.config.schema import write_config as write
    from amazon_tui.sandbox import sandbox_config

    path = tmp_path / "cfg" / "config.toml"
    write(path, parse_config(tomli_w.dumps(sandbox_config("http://127.0.0.1:1"))))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    path.chmod(0o644)
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(path))
    assert main(["config", "show"]) == 0
    captured = capsys.readouterr()
    assert "chmod 600" in captured.err
    assert SANDBOX_CLIENT_SECRET in text and SANDBOX_CLIENT_SECRET not in captured.out + captured.err
    assert MAGENTO_INTEGRATION_TOKEN not in captured.out
    assert MAGENTO_CONSUMER_SECRET in text and MAGENTO_CONSUMER_SECRET not in captured.out + captured.err
    assert MAGENTO_ACCESS_TOKEN_SECRET not in captured.out + captured.err


def test_sandbox_binds_loopback_and_refuses_requests_without_a_valid_token(tmp_path):
    sandbox = Sandbox(tmp_path / "s.db", orders_per_store=10)
    served = ServedSandbox(sandbox)  # the default host
    try:
        assert served.host == "127.0.0.1"
        served.start()
        base = served.base_url
        orders = "/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=2020-01-01T00:00:00Z"
        assert httpx.get(base + orders).status_code == 403
        assert httpx.get(base + orders, headers={"x-amz-access-token": "Atza|forged"}).status_code == 403
        assert httpx.get(base + "/rest/V1/orders/1").status_code == 401
        assert (
            httpx.get(base + "/rest/V1/orders/1", headers={"Authorization": "Bearer forged"}).status_code
            == 401
        )
        token = httpx.post(
            base + "/auth/o2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": STORES[0].refresh_token,
                "client_id": "amzn1.application-oa2-client.sandbox0000000000000000000000000",
                "client_secret": SANDBOX_CLIENT_SECRET,
            },
        ).json()["access_token"]
        assert httpx.get(base + orders, headers={"x-amz-access-token": token}).status_code == 200
        assert httpx.post(
            base + "/auth/o2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": "Atzr|forged",
                "client_id": "x",
                "client_secret": "y",
            },
        ).status_code in (400, 401)
    finally:
        served.stop()
        sandbox.close()
