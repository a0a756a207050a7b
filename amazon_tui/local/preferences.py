"""What the operator chose last time, restored on start: theme, revenue period, All Orders views.

One JSON file in the state dir (``preferences.json``, 0600), per operator rather than per data
dir: two operators sharing a database keep their own views. Per-store entries are keyed by
profile (the sandbox or the config file) and store name, so the sandbox's "Acme US" never
restores into a real store's screen. A file that cannot be read is set aside (never a crash):
preferences are a convenience, not data. A value that does not validate (a page of -5) is
ignored alone, with a notice: the others are used, and the file is left as it is until the next
change writes the good values. Written atomically, and only when something changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FILE_NAME = "preferences.json"
KEY_SEPARATOR = "\x1f"  # between the profile and the store name in the keys of orders_views
SHOWN = 40  # characters of an ignored value shown in the notice


class OrdersView(BaseModel):
    """All Amazon Orders of one store as it was left: filters and sort, page, the row under the cursor."""

    model_config = ConfigDict(extra="ignore")

    query: dict[str, Any] = Field(default_factory=dict)  # an OrderQuery as JSON (validated where used)
    page: int = Field(default=0, ge=0)
    order_id: str | None = None


class Preferences(BaseModel):
    model_config = ConfigDict(extra="ignore")

    theme: str | None = None
    revenue_days: Literal[7, 30] = 30
    orders_views: dict[str, OrdersView] = Field(default_factory=dict)


Model = TypeVar("Model", bound=BaseModel)


def ignored(error: ValidationError, where: str = "") -> str:
    """What was ignored and why, for the operator: 'page -5 of All Amazon Orders in Acme US
    (should be greater than or equal to 0)'."""
    problem = error.errors()[0]
    name = ".".join(str(part) for part in problem["loc"]) or "the value"
    shown = json.dumps(problem["input"], ensure_ascii=False, default=str)
    shown = shown if len(shown) <= SHOWN else shown[: SHOWN - 1] + "…"
    return f"{name} {shown}{where} ({problem['msg'].removeprefix('Input ')})"


def _lenient(model: type[Model], raw: dict[str, Any], where: str, problems: list[str]) -> Model:
    """``model`` from ``raw`` one field at a time: a field that does not validate keeps its
    default, and ``problems`` says which and why."""
    good: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            model.model_validate({name: value})
        except ValidationError as exc:
            problems.append(ignored(exc, where))
        else:
            good[name] = value
    return model.model_validate(good)


def _views_where(key: str) -> str:
    return f" of All Amazon Orders in {key.rpartition(KEY_SEPARATOR)[2]}"


def _validated(raw: dict[str, Any], problems: list[str]) -> Preferences:
    """Preferences from the file's object, keeping every value that validates; the others are
    left out and described in ``problems``."""
    views = raw.get("orders_views")
    if not isinstance(views, dict):
        return _lenient(Preferences, raw, "", problems)
    preferences = _lenient(Preferences, {k: v for k, v in raw.items() if k != "orders_views"}, "", problems)
    for key, view in views.items():
        if isinstance(view, dict):
            preferences.orders_views[key] = _lenient(OrdersView, view, _views_where(key), problems)
        else:
            problems.append(f"the view{_views_where(key)} (should be an object)")
    return preferences


class PreferenceStore:
    """Reads once, writes on change; ``profile`` separates the sandbox from each config file."""

    def __init__(self, directory: Path, profile: str) -> None:
        self.path = directory / FILE_NAME
        self.profile = profile
        self.problem: str | None = None  # why the file, or some of its values, were set aside
        self._saved = self._read()
        self.current = self._saved.model_copy(deep=True)

    def _read(self) -> Preferences:
        try:
            raw = json.loads(self.path.read_bytes())
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
        except FileNotFoundError:
            return Preferences()
        except (OSError, ValueError) as exc:
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
        problems: list[str] = []
        preferences = _validated(raw, problems)
        if problems:
            self.problem = self.notice(problems)
        return preferences

    def notice(self, problems: list[str]) -> str:
        """One line: which preferences were ignored and why, and that the others are used."""
        return (
            f"Preference{'s' if len(problems) > 1 else ''} ignored: {'; '.join(problems)}. "
            f"The others in {self.path} are used."
        )

    def _key(self, store: str) -> str:
        return f"{self.profile}{KEY_SEPARATOR}{store}"

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
