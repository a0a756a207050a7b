"""2 big-store: Recent Orders and All Amazon Orders with 100,000 orders vs. the same with 100.

The big local store is NOT made by seeding the sandbox (100k sandbox orders take ~50 s):
orders synced from a small sandbox through the real clients are cloned (new number, date,
buyer, total) and written through the product's own ``OrderRepository.upsert``, 100 per
transaction. The database is cached in ``$TMPDIR/amazon-tui-bench/`` keyed by size and
schema version; delete that directory to rebuild it. Each size is measured in its own
process (peak RSS), headless at 80x24, with the background sync off.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import common
from common import Line

BIG, SMALL, QUICK_BIG = 100_000, 100, 10_000
OPS = ("recent: Enter", "recent: page-down", "all: open (a)", "all: page-down", "all: sort by total", "all: apply filter")


def cache_dir(size: int) -> Path:
    from amazon_tui.local.schema import SCHEMA_VERSION

    return Path(tempfile.gettempdir()) / "amazon-tui-bench" / f"store-{size}-schema{SCHEMA_VERSION}-gen1"


def prepare(size: int) -> Path:
    """The cached data dir with ``size`` orders in the Acme US store (built when missing)."""
    target = cache_dir(size)
    if (target / "ready").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    common.run_child("big_store.py", "prepare", str(size), str(target), timeout=1800)
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
        lines.append(Line(f"big-store {op}", measured, baseline, "ms", target, passed, f"{big:,} vs {SMALL} orders, median"))
    rss, rss_base = big_result["peak_rss_mb"], small_result["peak_rss_mb"]
    lines.append(Line("big-store peak RSS", rss, rss_base, "MB", "<= 2x", rss <= 2 * rss_base, f"{big:,} vs {SMALL} orders"))
    return lines


# -- children --------------------------------------------------------------------------------


def _prepare(size: int, target: Path) -> None:
    work = Path(tempfile.mkdtemp())
    templates = common.template_orders(work / "templates")
    service = _service(target)
    seconds = common.fill_store(service, templates, size)
    service.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
    service.db.close()
    (target / "ready").write_text(f"{size} orders in {seconds:.1f} s\n")
    shutil.rmtree(work, ignore_errors=True)
    common.jprint({"seconds": seconds})


def _service(data_dir: Path):
    from amazon_tui.service import AppService

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
    return {"ops": {op: common.median(values) for op, values in timings.items()}, "peak_rss_mb": common.peak_rss_mb()}


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        _prepare(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        common.jprint(asyncio.run(_measure(Path(sys.argv[2]), int(sys.argv[3]))))
