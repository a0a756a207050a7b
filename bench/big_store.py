"""2 big-store: the order lists, Attention and the palette with 100,000 and 1,000,000 orders vs. 100.

Figures (each a median of 5 rounds, headless at 80x24, the background sync off): Recent Orders
(Enter, page-down), All Amazon Orders (open, page-down, sort by total, apply a filter, reopen the
view it left: filtered and sorted by total), Attention (open), the palette's go to order (typing
a number prefix), and the process's peak RSS. Each round starts from the default view; each
child has its own state dir (never the operator's preferences). ``BENCH_BIG_SIZES=300000``
(comma-separated) picks other sizes, e.g. while iterating; ``--quick`` uses 10,000.

The local store is made the way a user's is, in two children:

1. the real command seeds a sandbox database with ``size`` orders in Acme US (the other
   stores keep the default 320), deterministic and dated as of ``common.NOW``:
   ``python -m amazon_tui sandbox reset --db DB --seed 42 --store "Acme US"
   --orders-per-store SIZE --now 2026-11-20T12:00:00Z``;
2. a real first sync of Acme US through the product's clients (``AppService.sync``: LWA,
   searchOrders pages of 100 -- 10,000 of them for a million orders -- and the Magento link
   index) fills the local store. It runs in a child on that database (``common.world``:
   ``httpx.ASGITransport``, usage plans counted but not enforced, the clock fixed at
   ``common.NOW``). ``AMAZON_TUI_DATA_DIR=D amazon-tui sync --sandbox`` on a database
   seeded at ``D/sandbox/sandbox.db`` (where the embedded sandbox keeps it) would work too,
   but it waits for the embedded sandbox's searchOrders usage plan (5.6 pages/s), and runs
   on the real clock while the data is dated as of ``common.NOW``.

Preparing takes about 75 s for 100,000 orders and about 25 minutes for a million on 2 shared
cores (the seed writes one transaction: its WAL reaches ~10 GB). The sandbox database is
deleted afterwards; the local store is cached in ``$TMPDIR/amazon-tui-bench/store-SIZE-gen3``
(delete it to rebuild; a newer schema migrates it when first opened, as a user's store would
be). Preparing prints how long it took on stderr, and ``ready`` records the first sync (its
seconds per order and peak RSS are the "first sync" lines).
"""

from __future__ import annotations

import ast
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import common
from common import Line

BIGS, SMALL, QUICK_BIG, SYNC_BASE = (100_000, 1_000_000), 100, 10_000, 10_000
OPS = (
    "recent: Enter",
    "recent: page-down",
    "all: open (a)",
    "all: page-down",
    "all: sort by total",
    "all: apply filter",
    "all: reopen, restored view",
    "attention: open (!)",
    "palette: order by number",
)
FIRST_PAINT = ("recent: Enter", "all: open (a)", "all: reopen, restored view", "attention: open (!)")


def cache_dir(size: int) -> Path:
    return Path(tempfile.gettempdir()) / "amazon-tui-bench" / f"store-{size}-gen3"


def prepare(size: int) -> Path:
    """The cached data dir with ``size`` orders in the Acme US store (built when missing)."""
    target = cache_dir(size)
    if (target / "ready").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"seeding-{size}-", dir=target.parent))
    try:
        started = time.perf_counter()
        seeded = common.run_cli(
            "sandbox",
            "reset",
            "--db",
            str(work / "sandbox.db"),
            "--seed",
            "42",
            "--store",
            common.STORE,
            "--orders-per-store",
            str(size),
            "--now",
            common.NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
            env={"AMAZON_TUI_DATA_DIR": str(work)},
            timeout=1800,
        )
        seed_seconds = time.perf_counter() - started
        synced = common.run_child("big_store.py", "sync", str(work / "sandbox.db"), str(target), timeout=3600)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    (target / "ready").write_text(seeded + f"synced: {synced}\nprepared in {total:.1f} s\n")
    print(
        f"big-store: prepared {size:,} orders in {total:.0f} s (seed {seed_seconds:.0f} s, sync"
        f" {synced['amazon_seconds']:.0f} s for {synced['pages']:,} searchOrders pages"
        f" + {synced['magento_seconds']:.0f} s"
        f" for {synced['links']:,} Magento links)",
        file=sys.stderr,
        flush=True,
    )
    return target


def sizes(quick: bool) -> list[int]:
    """The big stores measured: ``BENCH_BIG_SIZES`` (comma-separated), else 100,000 and 1,000,000."""
    if quick:
        return [QUICK_BIG]
    return [int(size) for size in os.environ.get("BENCH_BIG_SIZES", "").split(",") if size.strip()] or list(
        BIGS
    )


def _label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k"


def _measure_child(size: int, repeats: str) -> dict:
    with tempfile.TemporaryDirectory() as state:  # the operator's own preferences stay out of it
        return common.run_child(
            "big_store.py", "measure", str(prepare(size)), repeats, env={"AMAZON_TUI_STATE_DIR": state}
        )


def run(quick: bool) -> list[Line]:
    repeats = "2" if quick else "5"
    small_result = _measure_child(SMALL, repeats)
    lines = []
    for big in sizes(quick):
        big_result = _measure_child(big, repeats)
        for op in OPS:
            measured, baseline = big_result["ops"][op], small_result["ops"][op]
            first_paint = op in FIRST_PAINT
            passed = measured <= 2 * baseline and (not first_paint or measured <= 300)
            target = "<= 2x and <= 300 ms" if first_paint else "<= 2x"
            lines.append(
                Line(
                    f"big {_label(big)} {op}",
                    measured,
                    baseline,
                    "ms",
                    target,
                    passed,
                    f"{big:,} vs {SMALL} orders, median",
                )
            )
        rss, rss_base = big_result["peak_rss_mb"], small_result["peak_rss_mb"]
        lines.append(
            Line(
                f"big {_label(big)} peak RSS",
                rss,
                rss_base,
                "MB",
                "<= 2x",
                rss <= 2 * rss_base,
                f"{big:,} vs {SMALL} orders",
            )
        )
    if not quick and max(sizes(quick)) >= SYNC_BASE * 10:
        lines += _first_sync_lines(max(sizes(quick)))
    return lines


def _first_sync(size: int) -> dict:
    """What preparing the ``size`` store recorded of its first sync (``ready``'s synced line)."""
    for text in (prepare(size) / "ready").read_text().splitlines():
        if text.startswith("synced: "):
            return ast.literal_eval(text.removeprefix("synced: "))
    raise RuntimeError(f"{prepare(size)}/ready records no sync")


def _first_sync_lines(big: int) -> list[Line]:
    """The first sync that prepared the big store against the one that prepared 10,000 orders:
    seconds per order of its Amazon part (searchOrders pages and the upserts) and its peak RSS."""
    base, large = _first_sync(SYNC_BASE), _first_sync(big)
    per, per_base = (
        1e6 * large["amazon_seconds"] / large["orders"],
        1e6 * base["amazon_seconds"] / base["orders"],
    )
    lines = [
        Line(
            f"sync: first sync cost, {_label(big)}",
            per,
            per_base,
            "us/order",
            "<= 1.2x",
            per <= 1.2 * per_base,
            f"{big:,} vs {SYNC_BASE:,} orders, searchOrders + upsert, recorded when the stores were prepared",
        )
    ]
    if "peak_rss_mb" in large and "peak_rss_mb" in base:
        rss, rss_base = large["peak_rss_mb"], base["peak_rss_mb"]
        lines.append(
            Line(
                f"sync: first sync peak RSS, {_label(big)}",
                rss,
                rss_base,
                "MB",
                "<= 1.5x",
                rss <= 1.5 * rss_base,
                f"{big:,} vs {SYNC_BASE:,} orders (with the in-process sandbox serving them)",
            )
        )
    return lines


# -- children --------------------------------------------------------------------------------


async def _sync(sandbox_db: Path, target: Path) -> dict:
    """A first sync of Acme US from the seeded sandbox database into the local store at ``target``."""
    from amazon_tui.core.sync.progress import SyncProgress

    w = common.world(target, sandbox_db=sandbox_db, data_dir=target)
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def progress(event: SyncProgress) -> None:
        phases.setdefault(event.phase, time.perf_counter())

    outcome = await w.service.sync([common.STORE], progress=progress)
    done = time.perf_counter()
    if outcome.failures:
        raise RuntimeError(f"the sync failed: {outcome.failures}")
    report = outcome.reports[0]
    seller_id = next(store.seller_id for store in w.sandbox.stores if store.name == common.STORE)
    expected = w.sandbox.db.query_one("SELECT COUNT(*) FROM amazon_orders WHERE seller_id = ?", (seller_id,))[
        0
    ]
    stored = w.service.db.query("SELECT COUNT(*) FROM orders WHERE store = ?", (common.STORE,))[0][0]
    if stored != expected:
        raise RuntimeError(f"the local store holds {stored} orders of {common.STORE}, the sandbox {expected}")
    w.service.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
    await w.service.aclose()
    w.sandbox.close()
    magento_started = phases.get("magento", done)
    return {
        "orders": stored,
        "pages": report.pages,
        "links": report.links,
        "amazon_seconds": magento_started - started,
        "magento_seconds": done - magento_started,
        "peak_rss_mb": common.peak_rss_mb(),
    }


def _service(data_dir: Path):
    from amazon_tui.core.service import AppService

    return AppService(common.settings(data_dir), transport=None, clock=lambda: common.NOW)


async def _measure(data_dir: Path, repeats: int) -> dict:
    from amazon_tui.tui.app import AmazonTuiApp
    from amazon_tui.tui.screens.all_orders import AllOrdersScreen
    from amazon_tui.tui.screens.attention import AttentionScreen
    from amazon_tui.tui.screens.dashboard import DashboardScreen
    from amazon_tui.tui.screens.stores import StoresScreen

    service = _service(data_dir)
    number = service.db.query(  # an order in the middle of the store: a prefix of its number
        "SELECT order_id FROM orders WHERE store = ? ORDER BY order_id LIMIT 1 OFFSET "
        "(SELECT count(*) / 2 FROM orders WHERE store = ?)",
        (common.STORE, common.STORE),
    )[0][0][:9]
    app = AmazonTuiApp(service, background=False)
    clock = common.PaintClock(app)
    timings: dict[str, list[float]] = {op: [] for op in OPS}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        async def timed(op: str, *keys: str) -> None:
            timings[op].append(await clock.press(pilot, *keys))

        def on(screen_type: type) -> None:
            if not isinstance(app.screen, screen_type):
                raise RuntimeError(
                    f"expected {screen_type.__name__}, the app shows {type(app.screen).__name__}"
                )

        for _ in range(repeats):
            service.preferences.current.orders_views.clear()  # each round opens the default view
            on(StoresScreen)
            await timed("recent: Enter", "enter")
            on(DashboardScreen)
            await timed("recent: page-down", "pagedown")
            await timed("all: open (a)", "a")
            on(AllOrdersScreen)
            await timed("all: page-down", "pagedown")
            await timed("all: sort by total", *"sssss")  # date > number > status > ship-by > buyer > total
            await pilot.press("f")
            app.screen.query_one("#f-buyer").value = "an"
            app.screen.query_one("#f-buyer").focus()
            await timed("all: apply filter", "enter")
            await pilot.press("escape")
            on(DashboardScreen)
            await timed("all: reopen, restored view", "a")  # sorted by total, filtered, as left
            await pilot.press("escape")
            on(DashboardScreen)
            await timed("attention: open (!)", "exclamation_mark")
            on(AttentionScreen)
            await pilot.press("escape")
            await pilot.press("ctrl+p")
            await timed("palette: order by number", *number)
            hits = app.screen.query("OptionList").first().option_count
            if not hits:
                raise RuntimeError(f"the palette found no order for {number}")
            await pilot.press("escape", "escape")
            await pilot.pause()
    return {
        "ops": {op: common.median(values) for op, values in timings.items()},
        "peak_rss_mb": common.peak_rss_mb(),
    }


if __name__ == "__main__":
    if sys.argv[1] == "sync":
        common.jprint(asyncio.run(_sync(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        common.jprint(asyncio.run(_measure(Path(sys.argv[2]), int(sys.argv[3]))))
