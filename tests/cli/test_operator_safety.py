"""Operator safety from outside: the command line against a sandbox served on a real socket.

Each test is a case of the operator-safety issue: options that were bypassed, read-only
that could be, configs that were silently replaced, library logs on the terminal, the
``--json`` contract, pipes, input checks, file modes, and the re-check before sending.
"""

from __future__ import annotations

import json
import socket
import stat
import subprocess
import sys

import pytest

from amazon_tui.cli.errors import ERROR_CODES
from amazon_tui.cli.main import main
from amazon_tui.sandbox import sandbox_config
from tests.support.hostile import unshipped_mfn
from tests.support.processes import REPO, cli_env, in_process_cli, write_config

SECRETS = ("sandbox-client-secret", "Atzr|sandbox-refresh-token")


@pytest.fixture
def cli(served, tmp_path, monkeypatch, capsys):
    """The CLI on the served sandbox; every cancel re-reads the order (no freshness window)."""
    return in_process_cli(served, tmp_path, monkeypatch, capsys, ui={"freshness_seconds": 0})


def error_of(out: str) -> dict:
    """The one JSON document on stdout, which must be an error object."""
    document = json.loads(out)
    assert set(document) == {"error", "sandbox"}
    assert (
        {"code", "message", "time", "what_to_do", "request_id"}
        <= set(document["error"])
        <= {
            "code",
            "message",
            "time",
            "what_to_do",
            "request_id",
            "service",
            "operation",
            "http_status",
            "service_code",
            "retryable",
        }
    )
    assert document["error"]["code"] in ERROR_CODES
    return document["error"]


# -- read-only cannot be bypassed --------------------------------------------------------------


@pytest.mark.parametrize("placement", ["before", "after"])
def test_read_only_before_or_after_the_command_never_cancels(cli, served, placement):
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(served.sandbox)[0]
    words = ["order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--json"]
    line = ["--read-only", *words] if placement == "before" else [*words, "--read-only"]
    code, out, _ = cli(*line)
    assert code == 3 and error_of(out)["code"] == "read_only"
    assert served.sandbox.count("createFeed") == 0 and served.sandbox.count("createFeedDocument") == 0
    assert json.loads(cli("audit", "--json")[1])["entries"] == []
    code, out, _ = cli("order", "show", order_id, "--json")
    assert json.loads(out)["order"]["status"] == "UNSHIPPED"


def test_read_only_from_the_config_is_a_session_property(cli, served, tmp_path):
    config = write_config(tmp_path / "ro.toml", served.base_url, ui={"read_only": True})
    assert cli("--config", str(config), "sync")[0] == 0
    order_id = unshipped_mfn(served.sandbox)[0]
    code, out, _ = cli(
        "--config", str(config), "order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--json"
    )
    assert code == 3 and error_of(out)["code"] == "read_only"
    code, out, _ = cli("--config", str(config), "resume", "--json")
    assert code == 0 and json.loads(out)["results"] == []
    assert served.sandbox.count("createFeed") == 0


# -- the config named is the config used --------------------------------------------------------


@pytest.mark.parametrize("placement", ["before", "after"])
def test_a_missing_config_is_exit_2_with_its_path(cli, tmp_path, placement):
    missing = tmp_path / "missing.toml"
    line = (
        ["--config", str(missing), "stores"]
        if placement == "before"
        else ["stores", "--config", str(missing)]
    )
    code, out, err = cli(*line)
    assert code == 2 and out == "" and str(missing) in err and len(err.strip().splitlines()) == 1
    code, out, _ = cli(*line, "--json")
    assert code == 2 and error_of(out)["code"] == "config" and str(missing) in error_of(out)["message"]


def test_a_config_named_by_the_environment_and_missing_is_exit_2(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(tmp_path / "gone.toml"))
    code, _, err = cli("orders")
    assert code == 2 and "gone.toml" in err


def test_a_broken_config_is_exit_2_with_line_and_column(cli, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[amazon]\nclient_id = "x"\nclient_secret = \n')
    code, out, err = cli("--config", str(broken), "orders")
    assert code == 2 and out == "" and str(broken) in err and "line 3" in err and "column" in err


def test_the_config_named_is_synced_not_the_sandbox(cli, served, tmp_path):
    code, out, err = cli("--config", str(cli.config), "sync", "--json")
    document = json.loads(out)
    assert code == 0 and document["sandbox"] is False and "SANDBOX" not in err
    assert {store["store"] for store in document["stores"]} == {"Acme US", "Acme UK", "Acme CA"}
    assert served.sandbox.count("searchOrders") >= 3  # it went to the served sandbox


def test_the_embedded_sandbox_says_so_everywhere(cli, tmp_path, monkeypatch):
    code, out, err = cli("--sandbox", "stores")
    assert code == 0 and out.splitlines()[0].startswith("SANDBOX: ") and "SANDBOX: " in err.splitlines()[0]
    code, out, _ = cli("stores", "--sandbox", "--json")
    assert code == 0 and json.loads(out)["sandbox"] is True


def test_config_path_exits_0_and_says_when_there_is_no_file(cli, tmp_path):
    code, out, err = cli("config", "path", "--config", str(tmp_path / "none.toml"))
    assert code == 0 and out.strip() == str(tmp_path / "none.toml") and "no file" in err


def test_stores_work_without_the_secrets(cli, served, tmp_path, monkeypatch):
    raw = sandbox_config(served.base_url)
    assert cli("sync")[0] == 0
    config = write_config(tmp_path / "env.toml", served.base_url)
    text = config.read_text()
    for store in raw["stores"]:
        text = text.replace(
            f'refresh_token = "{store["refresh_token"]}"', f'refresh_token_env = "UNSET_{store["seller_id"]}"'
        )
    config.write_text(text)
    code, out, err = cli("--config", str(config), "stores")
    assert code == 0 and "Acme US" in out
    code, _, err = cli("--config", str(config), "sync", "--store", "Acme US")
    assert code == 2 and err.count("UNSET_") == 1 and "UNSET_A1SANDBOXACMEUS" in err


@pytest.mark.parametrize("command", [["sync"], ["attention", "--sync"], ["watch"]])
def test_an_unset_variable_is_one_config_line_before_any_call(cli, served, tmp_path, command):
    """Not one "ConfigError" per store and exit 1: one line naming every unset variable, exit 2."""
    raw = sandbox_config(served.base_url)
    text = write_config(tmp_path / "env.toml", served.base_url).read_text()
    text = text.replace(
        f'client_secret = "{raw["amazon"]["client_secret"]}"', 'client_secret_env = "UNSET_LWA"'
    )
    for store in raw["stores"]:
        text = text.replace(
            f'refresh_token = "{store["refresh_token"]}"', f'refresh_token_env = "UNSET_{store["seller_id"]}"'
        )
    config = tmp_path / "env.toml"
    config.write_text(text)
    code, out, err = cli("--config", str(config), *command)
    assert code == 2 and out == "" and len(err.splitlines()) == 1, err
    assert "UNSET_LWA (named by amazon.client_secret_env)" in err and "UNSET_A1SANDBOXACMEUS" in err
    assert "UNSET_A4SANDBOXACMEDE" not in err, "an inactive store is not synced"
    assert "ConfigError" not in err and "Acme US:" not in err
    code, out, err = cli("--config", str(config), *command, "--json")
    assert code == 2 and error_of(out)["code"] == "config" and err == ""
    assert served.sandbox.count("searchOrders") == 0


# -- one failure, one line; library logs go to the log file ----------------------------------


def test_a_failing_command_prints_one_line_and_logs_the_retries_privately(cli, served, tmp_path):
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(served.sandbox)[0]
    served.sandbox.inject_fault("getOrder", "503")
    code, out, err = cli("order", "show", order_id, "--refresh")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "stamina" not in err
    code, out, err = cli("order", "show", order_id, "--refresh", "--json")
    assert code == 1 and error_of(out)["code"] == "service" and err == ""
    log = tmp_path / "data" / "state" / "amazon-tui.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "retry" in text and not any(secret in text for secret in SECRETS)


# -- the --json contract -------------------------------------------------------------------------


def test_every_refusal_and_error_is_one_json_document_with_its_exit_code(cli, served):
    assert cli("sync")[0] == 0
    sandbox = served.sandbox
    shipped = sandbox.db.query(
        "SELECT order_id FROM amazon_orders "
        "WHERE fulfillment_status = 'SHIPPED' AND seller_id = 'A1SANDBOXACMEUS' LIMIT 1"
    )[0][0]
    afn = sandbox.db.query(
        "SELECT order_id FROM amazon_orders WHERE fulfillment_status = 'UNSHIPPED' "
        "AND fulfilled_by = 'AMAZON' AND seller_id = 'A1SANDBOXACMEUS' LIMIT 1"
    )
    cases = [
        (["order", "show", "999-0000000-0000000"], 2, "not_found"),
        (["order", "cancel", shipped, "--reason", "NoInventory", "--yes"], 3, "not_cancelable"),
        (["orders", "--limit", "0"], 2, "usage"),
        (["orders", "--status", "Lost"], 2, "usage"),
        (["order", "cancel", shipped, "--reason", "Because", "--yes"], 2, "usage"),
    ]
    if afn:
        cases.append(
            (["order", "cancel", afn[0][0], "--reason", "NoInventory", "--yes"], 3, "amazon_fulfilled")
        )
    for line, exit_code, error_code in cases:
        code, out, _ = cli(*line, "--json")
        assert (code, error_of(out)["code"]) == (exit_code, error_code), line
    order_id = unshipped_mfn(sandbox)[0]
    code, out, _ = cli("order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 1
    code, out, err = cli("order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--json")
    assert code == 0 and "finishing the cancellation" in err  # picked up where it stands (issue 29)
    assert [r["order_number"] for r in json.loads(out)["results"]] == [order_id]
    assert sandbox.count("createFeed") == 1


def test_status_takes_api_values_and_asc_labels_in_any_case(cli):
    assert cli("sync")[0] == 0
    for status in (
        "Unshipped",
        "unshipped",
        "UNSHIPPED",
        "Partially Shipped",
        "partially_shipped",
        "Canceled",
        "Error",
    ):
        assert cli("orders", "--status", status)[0] == 0, status
    code, _, err = cli("orders", "--status", "Lost")
    assert code == 2 and "Unshipped" in err and "PARTIALLY_SHIPPED" in err


# -- the re-check between Confirm and the journal ---------------------------------------------


def test_a_status_changed_since_the_cache_is_refused_before_anything_is_journaled(cli, served):
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(served.sandbox)[0]
    served.sandbox.ship_order(order_id)  # shipped at Amazon after our copy was made
    code, out, _ = cli("order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--json")
    error = error_of(out)
    assert code == 3 and error["code"] == "not_cancelable" and "(Shipped)" in error["message"]
    assert served.sandbox.count("createFeed") == 0
    assert json.loads(cli("audit", "--json")[1])["entries"] == []


# -- files, pipes, ports ---------------------------------------------------------------------------


def test_the_data_dir_is_private_and_looser_files_are_tightened(cli, tmp_path):
    assert cli("sync")[0] == 0
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    database = data / "amazon-tui.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    database.chmod(0o644)
    data.chmod(0o755)
    code, _, err = cli("stores")
    assert (
        code == 0
        and stat.S_IMODE(database.stat().st_mode) == 0o600
        and stat.S_IMODE(data.stat().st_mode) == 0o700
    )
    assert "0600" in err or "600" in err


def test_a_closed_pipe_ends_quietly(served, tmp_path):
    config = write_config(tmp_path / "config.toml", served.base_url)
    env = cli_env(tmp_path / "data", config)
    assert (
        subprocess.run(
            [sys.executable, "-m", "amazon_tui", "sync"], env=env, cwd=REPO, capture_output=True, timeout=60
        ).returncode
        == 0
    )
    order_id = unshipped_mfn(served.sandbox)[0]
    for command in ("orders --limit 500", f"order show {order_id}", "orders --limit 500 --json"):
        done = subprocess.run(
            f"{sys.executable} -m amazon_tui {command} | head -n 1",
            shell=True,
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, (
            command,
            done.stderr,
        )


def test_sandbox_serve_on_a_busy_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = cli_env(tmp_path / "data")
        done = subprocess.run(
            [sys.executable, "-m", "amazon_tui", "sandbox", "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert (
        done.returncode == 2
        and f"port {port} is in use" in done.stderr
        and len(done.stderr.strip().splitlines()) == 1
    )


def test_db_rebuild_help_says_exactly_what_it_does(cli, capsys):
    with pytest.raises(SystemExit):
        main(["db", "rebuild", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "amazon-tui.db.<UTC time>.bak" in text and "nothing is deleted" in text and "journal" in text


def test_an_unexpected_error_is_one_line_and_a_private_trace(tmp_path, monkeypatch, capsys):
    from amazon_tui.cli.guard import guarded

    monkeypatch.setenv("AMAZON_TUI_STATE_DIR", str(tmp_path / "state"))

    def broken() -> int:
        raise RuntimeError("a bug")

    assert guarded(broken, as_json=False) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "a bug" in err
    (trace,) = (tmp_path / "state").glob("crash-*.txt")
    assert "Traceback" in trace.read_text() and stat.S_IMODE(trace.stat().st_mode) == 0o600
    assert guarded(broken, as_json=True) == 1
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "internal"


@pytest.mark.parametrize("answer, exit_code", [("no\n", 3), ("yes\n", 0)])
def test_the_confirmation_is_asked_on_stderr_and_stdout_keeps_one_document(
    cli, served, monkeypatch, answer, exit_code
):
    import io

    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(served.sandbox)[0]
    stdin = io.StringIO(answer)
    stdin.isatty = lambda: True
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, err = cli("order", "cancel", order_id, "--reason", "NoInventory", "--json")
    document = json.loads(out)  # nothing but the document: the question went to stderr
    assert code == exit_code and "Type yes to confirm" in err
    assert (document["error"]["code"] == "not_confirmed") if exit_code else len(document["results"]) == 1
    assert served.sandbox.count("createFeed") == (0 if exit_code else 1)


def test_a_cancel_amazon_refuses_never_says_canceled_and_the_status_is_amazons(cli, served):
    """The order ships while Amazon has our feed: no "has been canceled" line at any point, the
    result is failed (exit 1), and the local copy is Amazon's order as it is now (Shipped)."""
    assert cli("sync")[0] == 0
    order_id = unshipped_mfn(served.sandbox)[0]
    code, out, err = cli("order", "cancel", order_id, "--reason", "NoInventory", "--yes")
    assert code == 0 and f"{order_id}\tsubmitted\tfeed " in out
    assert "has been canceled" not in err and "Submitted 1 cancellation(s) to Amazon (feed " in err
    served.sandbox.ship_order(order_id)  # Amazon's queue had the feed; the order shipped first
    code, out, err = cli("order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--wait", "--json")
    assert code == 1 and "has been canceled" not in err + out
    [result] = json.loads(out)["results"]
    assert result["state"] == "failed" and "shipped" in result["message"]
    assert result["failure"] == "refused_by_amazon" and result["cause"] in result["message"]
    assert f"{order_id}: Amazon says the order is Shipped" in err
    _, out, _ = cli("order", "show", order_id, "--json")
    assert json.loads(out)["order"]["status_label"] == "Shipped"
