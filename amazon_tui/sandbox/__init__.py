"""The embedded sandbox: Login With Amazon, SP-API Orders 2026-01-01 and Feeds 2021-06-30,
the document bucket and a Magento REST subset, as one ASGI app with its own SQLite state.

It imports nothing from the rest of amazon_tui: it is the other side of the wire.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SandboxStore, sandbox_config

if TYPE_CHECKING:
    from .clock import ControllableClock
    from .sandbox import Sandbox

__all__ = [
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "ControllableClock",
    "Sandbox",
    "SandboxStore",
    "create_app",
    "default_db_path",
    "sandbox_config",
]


def __getattr__(name: str):
    """``Sandbox`` and ``ControllableClock`` load on first use: the app's start-up only
    needs ``sandbox_config`` (the server side stays off the TUI's start path)."""
    if name == "Sandbox":
        from .sandbox import Sandbox

        return Sandbox
    if name == "ControllableClock":
        from .clock import ControllableClock

        return ControllableClock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def create_app(sandbox: Sandbox):
    """The Starlette app of `sandbox` (the same object as `sandbox.app`)."""
    return sandbox.app


def default_db_path() -> Path:
    """`<data dir>/sandbox/sandbox.db`: the database the app's embedded sandbox uses.

    The data dir is `$AMAZON_TUI_DATA_DIR`, else the platform's user data dir, as for the
    app; so `sandbox reset` reseeds what the app shows and `sandbox serve` serves it.
    """
    data_dir = os.environ.get("AMAZON_TUI_DATA_DIR")
    if data_dir:
        return Path(data_dir).expanduser() / "sandbox" / "sandbox.db"
    import platformdirs

    return platformdirs.user_data_path("amazon-tui") / "sandbox" / "sandbox.db"
