"""Settings for the sandbox, and a world of app services wired to one sandbox over HTTP semantics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from amazon_tui.config.schema import parse_config, resolve_secrets
from amazon_tui.config.settings import SANDBOX_BASE_URL, Settings
from amazon_tui.core.service import AppService
from amazon_tui.sandbox import Sandbox, sandbox_config


def sandbox_settings(data_dir: Path, *, read_only: bool = False, **overrides) -> Settings:
    raw = sandbox_config(SANDBOX_BASE_URL)
    for section, values in overrides.items():
        raw.setdefault(section, {}).update(values)
    config = parse_config(tomli_w.dumps(raw))
    return Settings(
        config=config,
        secrets=resolve_secrets(config, {}),
        data_dir=data_dir,
        sandbox=True,
        config_file=None,
        read_only=read_only,
    )


@dataclass
class World:
    """One sandbox, and a way to open app services on it (several = several processes' worth)."""

    sandbox: Sandbox
    data_dir: Path
    open_service: Callable[..., AppService]
