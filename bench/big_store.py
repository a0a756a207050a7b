"""2 big-store: Recent Orders and All Amazon Orders with 100,000 orders vs. the same with 100.

The local store is made the way a user's is, in two children:

1. the real command seeds a sandbox database with ``size`` orders in Acme US (the other
   stores keep the default 320), deterministic and dated as of ``common.NOW``:
   ``python -m amazon_tui sandbox reset --db DB --seed 42 --store "Acme US"
   --orders-per-store SIZE --now 2026-11-20T12:00:00Z`` (under a minute for 100,000 orders);
2. a real first sync of Acme US through the product's clients (``AppService.sync``: LWA,
   searchOrders pages of 100 -- 1,000 of them for 100,000 orders -- and the Magento link
   index) fills the local store. It runs in a child on that database (``common.world``:
   ``httpx.ASGITransport``, usage plans counted but not enforced, the clock fixed at
   ``common.NOW``). ``AMAZON_TUI_DATA_DIR=D amazon-tui sync --sandbox`` on a database
   seeded at ``D/sandbox/sandbox.db`` (where the embedded sandbox keeps it) would work too,
   but it waits for the embedded sandbox's searchOrders usage plan (0.0056/s x time scale
   1000 = 5.6 pages/s: about 3 minutes of waiting for 100,000 orders), and runs on the real
   clock while the data is dated as of ``common.NOW``.

For 100,000 orders preparing takes about 4 minutes (2 shared cores: seed ~70 s, Amazon sync
~130 s, Magento links ~25 s). The sandbox database is deleted afterwards; the local store is
cached in ``$TMPDIR/amazon-tui-bench/`` keyed by size and schema version (delete that
directory to rebuild it; preparing prints how long it took on stderr). Each size is measured
in its own process (peak RSS), headless at 80x24, with the background sync off.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

import common
from common import Line

BIG, SMALL, QUICK_BIG = 100_000, 100, 10_000
OPS = (
    "recent: Enter",
    "recent: page-down",
    "all: open (a)",
    "all: page-down",
    "all: sort by total",
    "all: apply filter",
)


def cache_dir(size: int) -> Path:
    from amazon_tui.local.schema import SCHEMA_VERSION

    return Path(tempfile.gettempdir()) / "amazon-tui-bench" / f"store-{size}-schema{SCHEMA_VERSION}-gen2"


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


def run(quick: bool) -> list[Line]:
    big = QUICK_BIG if quick else BIG
    small_result = common.run_child("big_store.py", "measure", str(prepare(SMALL)), "2" if quick else "5")
    big_result = common.run_child("big_store.py", "measure", str(prepare(big)), "2" if quick else "5")
    lines = []
    for op in OPS:
        measured, baseline = big_result["ops"][op], small_result["ops"][op]
        first_paint = op in ("recent: Enter", "all: open (a)")
        passed = measured <= 2 * baseline and (not first_paint or measured <= 300)
        target = "<= 2x and <= 300 ms" if first_paint else "<= 2x"
        lines.append(
            Line(
                f"big-store {op}",
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
            "big-store peak RSS",
            rss,
            rss_base,
            "MB",
            "<= 2x",
            rss <= 2 * rss_base,
            f"{big:,} vs {SMALL} orders",
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
    }


def _service(data_dir: Path):
    from amazon_tui.core.service import AppService

    return AppService(common.settings(data_dir), transport=None, clock=lambda: common.NOW)


async def _measure(data_dir: Path, repeats: int) -> dict:
    from amazon_tui.tui.app import AmazonTuiApp

    app = AmazonTuiApp(_service(data_dir), background=False)
    clock = common.PaintClock(app)
    timings: dict[str, list[float]] = {op: [] for op in OPS}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        async def timed(op: str, *keys: str) -> None:
            timings[op].append(await clock.press(pilot, *keys))

        for _ in range(repeats):
            await timed("recent: Enter", "enter")
            await timed("recent: page-down", "pagedown")
            await timed("all: open (a)", "a")
            await timed("all: page-down", "pagedown")
            await timed("all: sort by total", "s", "s", "s", "s")  # date > number > status > buyer > total
            await pilot.press("f")
            app.screen.query_one("#f-buyer").value = "an"
            app.screen.query_one("#f-buyer").focus()
            await timed("all: apply filter", "enter")
            await pilot.press("escape", "escape", "escape")
    return {
        "ops": {op: common.median(values) for op, values in timings.items()},
        "peak_rss_mb": common.peak_rss_mb(),
    }


if __name__ == "__main__":
    if sys.argv[1] == "sync":
        common.jprint(asyncio.run(_sync(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        common.jprint(asyncio.run(_measure(Path(sys.argv[2]), int(sys.argv[3]))))
