"""Builds the app against an in-process sandbox with a fixed clock (tests and snapshots)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import tomli_w

from amazon_tui.config.schema import parse_config, resolve_secrets
from amazon_tui.config.settings import Settings
from amazon_tui.core.service import AppService
from amazon_tui.sandbox import ControllableClock, Sandbox, sandbox_config
from amazon_tui.tui.app import AmazonTuiApp

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
BASE_URL = "http://sandbox.invalid"


@dataclass
class World:
    app: AmazonTuiApp
    service: AppService
    sandbox: Sandbox
    clock: ControllableClock


def build(
    tmp_path: Path,
    *,
    orders_per_store: int = 60,
    read_only: bool = False,
    keymap: dict | None = None,
    magento: bool = True,
    background: bool = True,
    poll_seconds: int | None = None,
    overrides: dict | None = None,
    wrap_transport=None,
    store_names: dict[str, str] | None = None,
    sqs_endpoint: str | None = None,
) -> World:
    """A fresh sandbox and app; nothing from the developer's own config or data is used.

    ``overrides``: config sections merged in (``{"network": {"timeout_seconds": 0.5}}``);
    ``wrap_transport``: a function of the in-process transport returning the one the app uses;
    ``store_names``: configured stores renamed (sandbox name -> name in the config);
    ``sqs_endpoint``: where the sandbox sends subscribed SP-API notifications (a moto server).
    """
    clock = ControllableClock(NOW)
    sandbox = Sandbox(
        tmp_path / "sandbox.db",
        orders_per_store=orders_per_store,
        clock=clock,
        time_scale=10_000.0,
        feed_delay_seconds=0.0,
        sqs_endpoint=sqs_endpoint,
    )
    raw = sandbox_config(BASE_URL)
    if not magento:
        raw.pop("magento")
    if keymap:
        raw["keymap"] = keymap
    if poll_seconds is not None:
        raw.setdefault("sync", {})["poll_seconds"] = poll_seconds
    for store in raw["stores"]:
        store["name"] = (store_names or {}).get(store["name"], store["name"])
    for section, values in (overrides or {}).items():
        raw.setdefault(section, {}).update(values)
    config = parse_config(tomli_w.dumps(raw))
    settings = Settings(
        config=config,
        secrets=resolve_secrets(config, {}),
        data_dir=tmp_path / "data",
        sandbox=True,
        config_file=None,
        read_only=read_only,
    )
    transport = httpx.ASGITransport(app=sandbox.app)
    service = AppService(
        settings, transport=wrap_transport(transport) if wrap_transport else transport, clock=clock
    )
    return World(AmazonTuiApp(service, background=background), service, sandbox, clock)
