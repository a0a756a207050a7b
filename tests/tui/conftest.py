"""Fixtures of the TUI tests: an app on an in-process sandbox with a fixed clock."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from factory import World, build  # noqa: E402


@pytest.fixture(autouse=True)
def _no_developer_config(monkeypatch, tmp_path):
    """Keep the developer's own config and data out of the tests."""
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(tmp_path / "data-dir"))


@pytest.fixture
def world(tmp_path) -> World:
    world = build(tmp_path)
    yield world
    world.sandbox.close()
