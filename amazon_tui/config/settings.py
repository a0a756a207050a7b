"""What a run of amazon-tui works with: the config (or the sandbox's), secrets, paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple

from amazon_tui.config.schema import (
    CONFIG_ENV,
    Config,
    ConfigError,
    Secrets,
    config_path,
    data_dir,
    load_config,
    permission_warning,
    private_dir,
    resolve_secrets,
    tighten,
    validate_config,
)
from amazon_tui.domain.secrets import SECRETS

SANDBOX_BASE_URL = "http://sandbox.invalid"
CLOCK_OFFSET_ENV = "AMAZON_TUI_CLOCK_OFFSET_SECONDS"


def clock_offset() -> float:
    """Seconds this process's clocks are moved by (``$AMAZON_TUI_CLOCK_OFFSET_SECONDS``): a machine
    whose clock is off, as the tests of leadership and fencing play it. 0 when unset or unreadable."""
    try:
        return float(os.environ.get(CLOCK_OFFSET_ENV, "0"))
    except ValueError:
        return 0.0


class Settings(NamedTuple):
    """A validated config with its secrets, and where the local data lives."""

    config: Config
    secrets: Secrets
    data_dir: Path
    sandbox: bool
    config_file: Path | None
    read_only: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def store_names(self) -> tuple[str, ...]:
        return tuple(store.name for store in self.config.stores)


def _sandbox_config() -> Config:
    from amazon_tui.sandbox.catalog import sandbox_config

    return validate_config(sandbox_config(SANDBOX_BASE_URL), source="the sandbox config")


def load_settings(*, config: str | None = None, sandbox: bool = False, read_only: bool = False) -> Settings:
    """The settings of this run: ``--sandbox``, or a config file, or the sandbox when there is none.

    A config named by ``config`` (``--config``) or ``$AMAZON_TUI_CONFIG`` must exist and parse;
    the sandbox stands in only when none was named and the default path has none, or with
    ``sandbox``. Raises ConfigError with a one-paragraph message for the operator.
    """
    if config and sandbox:
        raise ConfigError(f"--sandbox and --config {config} contradict each other: give one of them.")
    explicit = config or os.environ.get(CONFIG_ENV)
    path = config_path(config)
    base = data_dir()
    if sandbox or (not explicit and not path.exists()):
        loaded = _sandbox_config()
        return Settings(
            config=loaded,
            secrets=resolve_secrets(loaded, {}),
            data_dir=base / "sandbox",
            sandbox=True,
            config_file=None,
            read_only=read_only or loaded.ui.read_only,
            warnings=tuple(secure_local_files(base)),
        )
    loaded = load_config(path)
    secrets = resolve_secrets(loaded)
    SECRETS.remember(*secrets.values())
    warnings = tuple(filter(None, [permission_warning(path, loaded), *secure_local_files(base)]))
    return Settings(
        config=loaded,
        secrets=secrets,
        data_dir=base,
        sandbox=False,
        config_file=path,
        read_only=read_only or loaded.ui.read_only,
        warnings=warnings,
    )


def secure_local_files(base: Path) -> list[str]:
    """The data dir 0700 and every file in it 0600 (buyer names and addresses); a notice per file
    tightened."""
    if os.name != "posix":
        return []
    notices = [tighten(base, 0o700)] if base.is_dir() else []
    private_dir(base)  # a file in its place is refused here (FileExistsError), not made 0700
    for path in sorted(base.rglob("*")):
        notices.append(tighten(path, 0o700 if path.is_dir() else 0o600))
    return [notice for notice in notices if notice]


def print_warnings(settings: Settings) -> None:
    for warning in settings.warnings:
        print(warning, file=sys.stderr)


__all__ = ["SANDBOX_BASE_URL", "ConfigError", "Settings", "load_settings", "print_warnings"]
