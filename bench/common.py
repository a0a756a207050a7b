"""Shared by the benchmarks: result lines, a sandbox world, generated orders, RSS, children."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
STORE = "Acme US"


@dataclass
class Line:
    """One benchmark figure beside its baseline (run in the same invocation) and its target."""

    name: str
    measured: float
    baseline: float | None
    unit: str
    target: str
    passed: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.measured / self.baseline

    def text(self) -> str:
        base = "—" if self.baseline is None else _fmt(self.baseline, self.unit)
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}x"
        verdict = "PASS" if self.passed else "FAIL"
        note = f"  ({self.note})" if self.note else ""
        return (
            f"{self.name:<34} {_fmt(self.measured, self.unit):>12}  base {base:>12}  ratio {ratio:>7}  "
            f"target {self.target:<22} {verdict}{note}"
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def _fmt(value: float, unit: str) -> str:
    if unit in ("calls", "B", "orders/s"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.1f} {unit}"


def median(values) -> float:
    return statistics.median(values)


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_child(script: str, *args: str, env: dict | None = None, timeout: float = 600) -> dict:
    """Run ``bench/<script> args`` in a fresh interpreter; it prints one JSON object last."""
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_cli(*args: str, env: dict | None = None, timeout: float = 600) -> str:
    """Run ``python -m amazon_tui args`` (the real command) in a fresh interpreter; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "amazon_tui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"amazon-tui {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def query_db(data_dir: Path, sql: str) -> list[tuple]:
    """Rows of the app's local database, read-only (as another process would read it)."""
    import sqlite3

    with sqlite3.connect(f"file:{data_dir / 'amazon-tui.db'}?mode=ro", uri=True) as conn:
        return [tuple(row) for row in conn.execute(sql)]


# -- a sandbox and a service on it ------------------------------------------------------------


def settings(data_dir: Path, *, base_url: str = "http://sandbox.invalid", **sections):
    """Sandbox settings for a data dir; ``sections`` override config sections (ui=...)."""
    import tomli_w

    from amazon_tui.config.schema import parse_config, resolve_secrets
    from amazon_tui.config.settings import Settings
    from amazon_tui.sandbox import sandbox_config

    raw = sandbox_config(base_url)
    for section, values in sections.items():
        raw.setdefault(section, {}).update(values)
    config = parse_config(tomli_w.dumps(raw))
    return Settings(
        config=config, secrets=resolve_secrets(config, {}), data_dir=data_dir, sandbox=True, config_file=None
    )


@dataclass
class World:
    sandbox: object
    service: object
    clock: object


def world(
    tmp: Path,
    *,
    orders_per_store: int = 60,
    feed_delay: float = 0.0,
    sandbox_db: Path | None = None,
    data_dir: Path | None = None,
    sqs_endpoint: str | None = None,
    **sections,
) -> World:
    """A seeded sandbox and an AppService on it, on a fixed clock.

    Usage plans are NOT enforced (calls are counted, not throttled); access tokens live a day,
    so that moving the fixed clock forward does not add token refreshes to the counts.
    ``sandbox_db`` (default ``tmp/sandbox.db``) is seeded with ``orders_per_store`` only when new;
    ``data_dir`` (default ``tmp/data``) holds the local store.
    """
    import httpx

    from amazon_tui.core.service import AppService
    from amazon_tui.sandbox import ControllableClock, Sandbox

    clock = ControllableClock(NOW)
    sandbox = Sandbox(
        sandbox_db or tmp / "sandbox.db",
        orders_per_store=orders_per_store,
        clock=clock,
        time_scale=10_000.0,
        feed_delay_seconds=feed_delay,
        enforce_rate_limits=False,
        token_ttl_seconds=86_400,
        sqs_endpoint=sqs_endpoint,
    )
    service = AppService(
        settings(data_dir or tmp / "data", **sections),
        transport=httpx.ASGITransport(app=sandbox.app),
        clock=clock,
    )
    service.cancellations.poll_interval = 0.01
    service.cancellations.poll_max_interval = 0.05
    return World(sandbox, service, clock)


def reopen(w: World):
    """Another AppService on the same sandbox and data dir, as a new process would open it."""
    import httpx

    from amazon_tui.core.service import AppService

    return AppService(w.service.settings, transport=httpx.ASGITransport(app=w.sandbox.app), clock=w.clock)


# -- generated orders for big stores -----------------------------------------------------------


def template_orders(tmp: Path, count: int = 300) -> list:
    """Real domain Orders: a small sandbox synced through the real clients."""
    import asyncio

    w = world(tmp, orders_per_store=count)
    asyncio.run(w.service.sync([STORE]))
    ids = [row[0] for row in w.service.db.query("SELECT order_id FROM orders WHERE store = ?", (STORE,))]
    orders = [w.service.cached_order(order_id) for order_id in ids]
    asyncio.run(w.service.aclose())
    w.sandbox.close()
    return orders


def generate_orders(templates: list, count: int, *, store: str = STORE, start: int = 0):
    """``count`` distinct orders cloned from the templates (new number, date, buyer, total)."""
    from decimal import Decimal

    for index in range(start, start + count):
        template = templates[index % len(templates)]
        created = NOW - timedelta(minutes=index % 86_400, seconds=index // 86_400)
        total = (
            template.total.model_copy(update={"amount": Decimal(index % 99_991) / 100 + 1})
            if template.total
            else None
        )
        # the ship-by time keeps its distance to the purchase, as Amazon's does (a template's own
        # date would put every new order at one of 300 places of the ship-by indexes)
        ship_by = created + (template.ship_by - template.created) if template.ship_by else None
        yield template.model_copy(
            update={
                "order_id": f"9{index // 10**14 % 100:02d}-{index // 10**7 % 10**7:07d}-{index % 10**7:07d}",
                "store": store,
                "created": created,
                "last_updated": created,
                "ship_by": ship_by,
                "buyer_name": f"{template.buyer_name or 'Buyer'} {index}",
                "total": total,
            }
        )


def jprint(obj) -> None:
    print(json.dumps(obj), flush=True)


class PaintClock:
    """Times from an action to the LAST frame it caused (Pilot's own idle-waiting not counted).

    Wraps the app's ``_display`` (called with every composited frame, headless too).
    """

    def __init__(self, app) -> None:
        import time

        self.app, self.frames, self._now = app, [], time.perf_counter
        display = app._display

        def hooked(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and not app._batch_count:
                self.frames.append(self._now())

        app._display = hooked

    async def press(self, pilot, *keys: str) -> float:
        """Milliseconds from sending the (last) key to the last frame before the app idled."""
        if keys[:-1]:
            await pilot.press(*keys[:-1])
        self.frames.clear()
        started = self._now()
        await pilot.press(keys[-1])
        await pilot.pause()
        return ((self.frames[-1] - started) if self.frames else 0.0) * 1000
