"""Keep the developer's own config and data out of every test (as harlequin does); fixtures
that tests in several folders use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.serve import ServedSandbox, serving


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("AMAZON_TUI_CONFIG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def no_developer_config(monkeypatch, tmp_path):
    """A config path where no file is, and a data dir of the test's own."""
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(tmp_path / "data-dir"))


@pytest.fixture
def instant_retries():
    """One attempt per call, no backoff: each fault reaches the app at once (stamina's testing mode)."""
    with stamina.set_testing(True, attempts=1):
        yield


@pytest.fixture
def served(tmp_path) -> Iterator[ServedSandbox]:
    """A small sandbox on a real loopback socket (port chosen by the OS)."""
    sandbox = Sandbox(
        tmp_path / "served-sandbox.db", orders_per_store=40, time_scale=1000, feed_delay_seconds=0.3
    )
    with serving(sandbox) as running:
        yield running
    sandbox.close()
