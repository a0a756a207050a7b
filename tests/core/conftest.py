"""A sandbox and the app's service wired to it over HTTP semantics (httpx ASGITransport)."""

from __future__ import annotations

import httpx
import pytest

from amazon_tui.core.service import AppService
from amazon_tui.sandbox import Sandbox
from tests.support.services import World, sandbox_settings


@pytest.fixture
def world(tmp_path):
    sandbox = Sandbox(tmp_path / "sandbox.db", orders_per_store=120, time_scale=1000, feed_delay_seconds=0.2)
    services: list[AppService] = []

    def open_service(*, read_only: bool = False, **overrides) -> AppService:
        service = AppService(
            sandbox_settings(tmp_path / "data", read_only=read_only, **overrides),
            transport=httpx.ASGITransport(app=sandbox.app),
        )
        service.cancellations.poll_interval = 0.05
        service.cancellations.poll_max_interval = 0.2
        service.shipments.schedule.poll_interval = service.shipments.schedule.poll_max_interval = 0.0
        services.append(service)
        return service

    yield World(sandbox, tmp_path / "data", open_service)
    sandbox.close()
