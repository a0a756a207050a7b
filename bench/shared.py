"""8 shared data dir: 3 TUI processes + 1 CLI on one data dir against 1 TUI alone (issue 17).

Both runs last 10 simulated minutes on a served sandbox at 1/30 of real time: the poll
interval of 120 s becomes 4 s (``sync.poll_seconds``), the run 20 s. In each, the bench (as
another operator's process) submits one cancellation at 3 s and changes an order every 1.5 s;
in the shared run a cron-style ``amazon-tui sync`` runs at 10 s. Figures:

- Amazon calls (searchOrders + getFeed) of the shared run over the single TUI's: only the
  data dir's leader syncs and polls the feed, so the extra processes should cost nothing.
- change-visible latency: from the bench's commit to each TUI's reload, p95 over every change
  and every TUI (target <= 2 s; each TUI checks once a second).

The sandbox counts calls without throttling (usage plans not enforced).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common
from common import BENCH, ROOT, STORE, Line

POLL = 4  # seconds: 120 s at 1/30
SECONDS = 20.0  # 10 minutes at 1/30
CHANGE_EVERY = 1.5
CANCEL_AT = 3.0
CLI_AT = 10.0


def _config(path: Path, base_url: str) -> Path:
    import tomli_w

    from amazon_tui.sandbox import sandbox_config

    raw = sandbox_config(base_url)
    raw["sync"] = {"poll_seconds": POLL, "lease_seconds": 3}
    path.write_text(tomli_w.dumps(raw))
    path.chmod(0o600)
    return path


def _env(data_dir: Path, config: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AMAZON_TUI_")}
    return {**env, "AMAZON_TUI_DATA_DIR": str(data_dir), "AMAZON_TUI_CONFIG": str(config)}


async def _operator(config: Path, env: dict[str, str], changes: list[float], with_cli: bool) -> None:
    """The bench's own process: one cancellation, an order changed every CHANGE_EVERY s, maybe a CLI sync."""
    from amazon_tui.config.settings import load_settings
    from amazon_tui.core.service import AppService
    from amazon_tui.domain.models import OrderQuery
    from amazon_tui.domain.values import CancelReason, OrderStatus

    os.environ.update(env)
    service = AppService.open(load_settings(config=str(config)))
    service.leader.kind = "bench operator"
    rows = service.orders(OrderQuery(stores=(STORE,), statuses=(OrderStatus.UNSHIPPED,)), limit=200)
    cancel_id = next(row.order_id for row in rows if row.fulfilled_by == "MERCHANT")
    changed = iter(
        row.order_id
        for row in service.orders(OrderQuery(stores=(STORE,)), limit=200)
        if row.order_id != cancel_id
    )
    started = time.monotonic()
    cli = None
    canceled = False
    while time.monotonic() - started < SECONDS - 2:
        elapsed = time.monotonic() - started
        if not canceled and elapsed >= CANCEL_AT:
            await service.cancel(
                [cancel_id], CancelReason.NO_INVENTORY
            )  # without waiting: the leader finishes it
            canceled = True
        if with_cli and cli is None and elapsed >= CLI_AT:
            # a separate CLI process runs alongside, started without waiting (reaped after the loop)
            cli = subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, "-m", "amazon_tui", "sync"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        service.repo.set_status(
            next(changed), OrderStatus.SHIPPED, "Status updated to Shipped.", now=service.clock()
        )
        changes.append(time.time())
        await asyncio.sleep(CHANGE_EVERY)
    if cli is not None:
        cli.wait(timeout=60)
    await service.aclose()


def _run(tmp: Path, tuis: int, with_cli: bool) -> tuple[tuple[int, int], list[float]]:
    """((searchOrders, getFeed) calls, change-visible latencies) of one run."""
    from amazon_tui.sandbox import Sandbox
    from amazon_tui.sandbox.serve import serving

    sandbox = Sandbox(
        tmp / "sandbox.db",
        orders_per_store=60,
        time_scale=1000,
        feed_delay_seconds=6.0,
        enforce_rate_limits=False,
    )
    latencies: list[float] = []
    with serving(sandbox) as served:
        config = _config(tmp / "config.toml", served.base_url)
        env = _env(tmp / "data", config)
        common.run_cli("sync", env=env)  # the local store as the operators find it
        sandbox.clear_log()
        logs = [tmp / f"reloads{i}.log" for i in range(tuis)]
        children = [
            subprocess.Popen(
                [sys.executable, str(BENCH / "shared_tui.py"), str(config), str(SECONDS), str(log)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for log in logs
        ]
        time.sleep(2.0)  # the TUIs start (their start-up is not part of the figure)
        changes: list[float] = []
        asyncio.run(_operator(config, env, changes, with_cli))
        for child in children:
            _, err = child.communicate(timeout=120)
            if child.returncode != 0:
                raise RuntimeError(f"shared_tui.py failed:\n{err.decode()[-3000:]}")
        calls = (sandbox.count("searchOrders"), sandbox.count("getFeed"))
        state = common.query_db(tmp / "data", "SELECT state FROM cancellations")
        if state != [("canceled",)]:
            raise RuntimeError(f"the cancellation was not finished by the leader: {state}")
        for log in logs:
            reloads = sorted(float(line) for line in log.read_text().split()) if log.exists() else []
            for change in changes[:-1]:  # the last may come after a TUI exited
                seen = next((t for t in reloads if t >= change), None)
                latencies.append((seen - change) if seen is not None else float("inf"))
    sandbox.close()
    return calls, latencies


def _p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20)[-1] if len(values) > 1 else (values[0] if values else float("inf"))
    )


def run(quick: bool) -> list[Line]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "one").mkdir()
        (root / "shared").mkdir()
        one_calls, one_latencies = _run(root / "one", 1, with_cli=False)
        shared_calls, shared_latencies = _run(root / "shared", 3, with_cli=True)
    ratio = sum(shared_calls) / sum(one_calls) if sum(one_calls) else float("inf")
    p95 = _p95(shared_latencies)
    return [
        Line(
            "shared: searchOrders + getFeed",
            sum(shared_calls),
            sum(one_calls),
            "calls",
            "<= 1.1x of 1 TUI",
            ratio <= 1.1,
            "3 TUIs + 1 CLI sync vs 1 TUI, 10 simulated min at 1/30; "
            f"searchOrders {shared_calls[0]} vs {one_calls[0]}, "
            f"getFeed {shared_calls[1]} vs {one_calls[1]}",
        ),
        Line(
            "shared: change visible, p95",
            p95 * 1000,
            _p95(one_latencies) * 1000,
            "ms",
            "<= 2000 ms",
            p95 <= 2.0,
            f"{len(shared_latencies)} changes x TUIs; base: 1 TUI",
        ),
    ]
