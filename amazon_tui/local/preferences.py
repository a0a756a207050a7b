"""What the operator chose last time, restored on start: theme, revenue period, All Orders views.

One JSON file in the state dir (``preferences.json``, 0600), per operator rather than per data
dir: two operators sharing a database keep their own views. Per-store entries are keyed by
profile (the sandbox or the config file) and store name, so the sandbox's "Acme US" never
restores into a real store's screen. A file that cannot be read is set aside (never a crash):
preferences are a convenience, not data. Written atomically, and only when something changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FILE_NAME = "preferences.json"


class OrdersView(BaseModel):
    """All Amazon Orders of one store as it was left: filters and sort, page, the row under the cursor."""

    model_config = ConfigDict(extra="ignore")

    query: dict[str, Any] = Field(default_factory=dict)  # an OrderQuery as JSON (validated where used)
    page: int = 0
    order_id: str | None = None


class Preferences(BaseModel):
    model_config = ConfigDict(extra="ignore")

    theme: str | None = None
    revenue_days: int = 30
    orders_views: dict[str, OrdersView] = Field(default_factory=dict)


class PreferenceStore:
    """Reads once, writes on change; ``profile`` separates the sandbox from each config file."""

    def __init__(self, directory: Path, profile: str) -> None:
        self.path = directory / FILE_NAME
        self.profile = profile
        self.problem: str | None = None  # why the file was set aside, once
        self._saved = self._read()
        self.current = self._saved.model_copy(deep=True)

    def _read(self) -> Preferences:
        try:
            return Preferences.model_validate_json(self.path.read_bytes())
        except FileNotFoundError:
            return Preferences()
        except (OSError, ValidationError, ValueError) as exc:
            aside = self.path.with_name(FILE_NAME + ".unreadable")
            try:
                os.replace(self.path, aside)
            except OSError:
                aside = self.path
            self.problem = (
                f"Preferences in {self.path} could not be read ({type(exc).__name__}): "
                f"defaults used, the file is kept as {aside.name}."
            )
            return Preferences()

    def _key(self, store: str) -> str:
        return f"{self.profile}\x1f{store}"

    def orders_view(self, store: str) -> OrdersView | None:
        return self.current.orders_views.get(self._key(store))

    def set_orders_view(self, store: str, view: OrdersView) -> None:
        self.current.orders_views[self._key(store)] = view
        self.save()

    def set(self, **values: object) -> None:
        """Change top-level preferences (``theme``, ``revenue_days``) and save."""
        for name, value in values.items():
            setattr(self.current, name, value)
        self.save()

    def save(self) -> None:
        """Write the file when it would change (atomic: a crash leaves the old or the new one)."""
        if self.current == self._saved:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = json.dumps(self.current.model_dump(mode="json"), indent=1, ensure_ascii=False).encode(
            "utf-8"
        )
        temporary = self.path.with_name(f".{FILE_NAME}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(descriptor, payload)
        finally:
            os.close(descriptor)
        os.replace(temporary, self.path)
        self._saved = self.current.model_copy(deep=True)
