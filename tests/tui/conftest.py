"""Fixtures of the TUI tests: an app on an in-process sandbox with a fixed clock."""

from __future__ import annotations

import pytest

from tests.support.world import World, build


@pytest.fixture(autouse=True)
def _no_developer_config(no_developer_config):
    """Keep the developer's own config and data out of the tests."""


@pytest.fixture
def world(tmp_path) -> World:
    world = build(tmp_path)
    yield world
    world.sandbox.close()
