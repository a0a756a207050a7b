"""Fixtures for the sandbox tests: a fixed clock, a small seeded sandbox, an in-process client."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from amazon_tui.sandbox import ControllableClock, Sandbox
from amazon_tui.sandbox.catalog import MAGENTO_INTEGRATION_TOKEN
from tests.support.sandbox_http import BASE_URL, auth_headers

NOW = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ControllableClock:
    return ControllableClock(NOW)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """One seeded database per session; each test gets its own copy (seeding is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "sandbox.db"
    Sandbox(path, orders_per_store=80, clock=ControllableClock(NOW)).close()
    return path


@pytest.fixture
def sandbox(tmp_path, clock, seeded_db) -> Sandbox:
    """A store that takes the integration token as Bearer and logs admins in without 2FA (the
    API-shape tests send plain headers); test_sandbox_magento_auth.py covers the 2.4.4+ defaults."""
    path = tmp_path / "sandbox.db"
    shutil.copyfile(seeded_db, path)
    sandbox = Sandbox(
        path,
        orders_per_store=80,
        clock=clock,
        feed_delay_seconds=2.0,
        magento_bearer_tokens=True,
        magento_two_factor=False,
    )
    yield sandbox
    sandbox.close()


@pytest.fixture
async def client(sandbox):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def us(sandbox):
    return sandbox.stores[0]


@pytest.fixture
def uk(sandbox):
    return sandbox.stores[1]


@pytest.fixture
async def us_headers(client, us) -> dict:
    return await auth_headers(client, us)


@pytest.fixture
def magento_headers() -> dict:
    return {"Authorization": f"Bearer {MAGENTO_INTEGRATION_TOKEN}"}
