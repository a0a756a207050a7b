"""The fault matrix on the command line (parameters: matrix.COMMANDS × FAULTS).

The CLI runs in-process (``main``) against a sandbox served on a real loopback socket, as an
operator's config would point it at Amazon: for each fault the command exits 1 with the
one-line cause on stderr and no traceback; once the fault is lifted, running it again works.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import tomli_w

from amazon_tui.cli.main import main
from amazon_tui.sandbox import Sandbox, sandbox_config
from amazon_tui.sandbox.serve import serving
from tests.support.fault_matrix import COMMANDS, CONNECTION_REFUSED, FAULTS, Target, applies
from tests.support.transports import closed_port

pytestmark = pytest.mark.usefixtures("no_developer_config", "instant_retries")

STORE = "Acme US"


def write_config(path, base_url: str, timeout: float = 10.0):
    raw = sandbox_config(base_url)
    raw["network"] = {"timeout_seconds": timeout}
    path.write_text(tomli_w.dumps(raw))
    path.chmod(0o600)
    return str(path)


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    sandbox = Sandbox(
        tmp_path / "sandbox.db", orders_per_store=60, time_scale=10_000.0, feed_delay_seconds=0.0
    )
    with serving(sandbox) as served:
        good = write_config(tmp_path / "good.toml", served.base_url)
        impatient = write_config(
            tmp_path / "impatient.toml", served.base_url, timeout=0.5
        )  # the timeout cells
        down = write_config(tmp_path / "down.toml", f"http://127.0.0.1:{closed_port()}")

        def run(*args: str, config: str = good) -> tuple[int, str, str]:
            code = main([*args, "--config", config])
            captured = capsys.readouterr()
            return code, captured.out, captured.err

        run.sandbox, run.good, run.impatient, run.down = sandbox, good, impatient, down
        code, _, err = run("sync")
        assert code == 0, err
        yield run
    sandbox.close()


def cancelable(run) -> list[str]:
    _, out, _ = run("orders", "--store", STORE, "--status", "Unshipped", "--limit", "500", "--json")
    return [row["order_number"] for row in json.loads(out)["orders"] if row["fulfilled_by"] == "MERCHANT"]


def lift(run) -> None:
    run.sandbox.clear_faults()
    run.sandbox.release_hanging_requests()


@pytest.mark.parametrize("target", COMMANDS, ids=lambda t: t.name)
def test_command_exits_1_with_the_cause_and_works_once_lifted(cli, target: Target):
    orders = iter(cancelable(cli))
    shown = cli("orders", "--store", STORE, "--limit", "1", "--json")[1]
    some_order = json.loads(shown)["orders"][0]["order_number"]
    problems: list[str] = []
    for fault in FAULTS:
        if not applies(target, fault):
            continue
        config = cli.impatient if fault == "timeout" else cli.good
        if fault == CONNECTION_REFUSED:
            config = cli.down
        else:
            operation, kind = target.injection(fault)
            cli.sandbox.inject_fault(operation, kind, latency=3.0 if kind == "timeout" else 0.0)
        name = target.name
        if name.startswith("sync"):
            args, again, ok = ("sync", "--store", STORE), None, (0,)
        elif name.startswith("attention"):
            args, again, ok = ("attention", "--sync"), None, (0, 4)
        elif name.startswith("order show"):
            args, again, ok = ("order", "show", some_order, "--refresh"), None, (0,)
        else:
            order_id = next(orders)
            args, ok = ("order", "cancel", order_id, "--reason", "NoInventory", "--yes", "--wait"), (0,)
            again = ("resume",) if target.operation == "getFeed" else None
            if target.operation == "getFeed" and fault == CONNECTION_REFUSED:
                code, _, err = cli(*args[:-1])  # submitted while the service answers...
                assert code == 0, err
                args = ("resume",)  # ...then it is down while the report is fetched
        code, _, err = cli(*args, config=config)
        cause = [
            line for line in err.splitlines() if target.expected(fault) in line and FAULTS[fault][1] in line
        ]
        if code != 1 or not cause or "Traceback" in err:
            problems.append(
                f"{fault}: exit {code}, stderr {err!r}; "
                f"expected exit 1 and a line with {target.expected(fault)!r}, {FAULTS[fault][1]!r}"
            )
        lift(cli)
        code, _, err = cli(*(again or args))
        if code not in ok:
            problems.append(f"{fault}: not recovered after the fault was lifted: exit {code}, {err!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("kind", "error_class_advice", "retryable"),
    [
        ("503", "Amazon failed on its side: run again in a few minutes", True),
        ("429", "Amazon throttled the call: wait ", False),  # backed off already
        ("invalid_token", "Amazon refused the credentials: check the secrets", False),
    ],
)
def test_a_json_error_carries_the_whole_cause_as_typed_fields(cli, kind, error_class_advice, retryable):
    """Item 4 of issue 31: the message whole, Amazon's request id, when (UTC), what to do — each a
    field of its own, read from the typed error."""
    some_order = json.loads(cli("orders", "--store", STORE, "--limit", "1", "--json")[1])["orders"][0]
    cli.sandbox.inject_fault("getOrder", kind)
    code, out, err = cli("order", "show", some_order["order_number"], "--refresh", "--json")
    assert code == 1 and err.count("\n") <= 1
    document = json.loads(out)
    assert document["sandbox"] is False
    error = document["error"]
    assert error["code"] == "service"
    assert (error["service"], error["operation"], error["retryable"]) == ("Amazon", "getOrder", retryable)
    assert error["http_status"] == {"503": 503, "429": 429, "invalid_token": 403}[kind]
    assert error["request_id"] and error["request_id"] in error["message"]  # the message stays whole
    assert error["service_code"] and error["service_code"] in error["message"]
    assert error["what_to_do"].startswith(error_class_advice)
    when = datetime.fromisoformat(error["time"])
    assert when.utcoffset() == timedelta(0) and abs(datetime.now(UTC) - when) < timedelta(minutes=5)


def test_an_error_without_a_service_still_says_when_and_what_to_do(cli):
    code, out, _ = cli("orders", "--status", "Lost", "--json")
    error = json.loads(out)["error"]
    assert code == 2 and json.loads(out)["sandbox"] is False
    assert error["code"] == "usage" and error["request_id"] is None and "service" not in error
    assert error["what_to_do"] == "correct the command line (every command has --help)"
    assert error["time"].endswith("Z")


def test_sync_json_failures_carry_their_typed_causes(cli):
    cli.sandbox.inject_fault("searchOrders", "503")
    code, out, _ = cli("sync", "--store", STORE, "--json")
    document = json.loads(out)
    assert code == 1 and set(document["failures"]) == {STORE}
    cause = document["failure_causes"][STORE]
    assert cause["message"] == document["failures"][STORE]  # whole, the same words
    assert (cause["service"], cause["operation"], cause["http_status"]) == ("Amazon", "searchOrders", 503)
    assert cause["request_id"] and cause["request_id"] in cause["message"] and cause["retryable"] is True
    assert cause["what_to_do"] == "Amazon failed on its side: run again in a few minutes"
    assert datetime.fromisoformat(cause["time"]).utcoffset() == timedelta(0)
    lift(cli)
    code, out, _ = cli("attention", "--sync", "--json")
    assert code in (0, 4) and json.loads(out)["failure_causes"] == {}
