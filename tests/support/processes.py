"""The CLI as a real process, or in-process against a served sandbox; a config for a served sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tomli_w

from amazon_tui.sandbox import sandbox_config
from amazon_tui.sandbox.serve import ServedSandbox

REPO = Path(__file__).resolve().parents[2]


def write_config(path: Path, base_url: str, **overrides) -> Path:
    raw = sandbox_config(base_url)
    for section, values in overrides.items():
        raw.setdefault(section, {}).update(values)
    path.write_text(tomli_w.dumps(raw))
    path.chmod(0o600)
    return path


def in_process_cli(served: ServedSandbox, tmp_path: Path, monkeypatch, capsys, **overrides):
    """``amazon-tui ARGS`` in-process against ``served``; returns (code, stdout, stderr).
    ``.config`` is its file."""
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
    client = Client(
        values["consumer_key"],
        client_secret=values["consumer_secret"],
        resource_owner_key=values["access_token"],
        resource_owner_secret=values["access_token_secret"],
        signature_method=SIGNATURE_HMAC_SHA256,
    )
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
    return subprocess.run(
        [sys.executable, "-m", "amazon_tui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


@contextmanager
def watchers(env: dict[str, str], count: int) -> Iterator[list[subprocess.Popen]]:
    """``count`` ``amazon-tui watch`` processes on one data dir; all stopped (SIGTERM, then
    SIGKILL) at the end."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "amazon_tui", "watch"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate(timeout=10)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)  # reaped: its pid no longer exists
