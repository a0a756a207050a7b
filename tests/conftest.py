"""Keep the developer's own config and data out of every test (as harlequin does)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("AMAZON_TUI_CONFIG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
