"""1 startup: process start to the first paint of the store cards vs. a bare Textual app.

Each run is a fresh interpreter, headless at 80x24, that exits at its first painted frame and
prints the wall-clock time of that frame; the parent subtracts the time it spawned the process.
The product starts the real way, ``python -m amazon_tui --sandbox`` (argument parsing,
settings, the embedded sandbox, the warm local store, the app with its background sync):
only Textual's driver is swapped for a headless one that reports the first ready frame
(``paint_driver.py``, chosen by Textual's own ``TEXTUAL_DRIVER`` variable).
A second line starts the bare app after validating one pydantic model (what config.py needs
of pydantic): how much of the ratio is pydantic's, not ours. It reports; it has no target.
Bytecode is compiled first, as pip does on install and Python does on a first run (this
machine sets PYTHONDONTWRITEBYTECODE, which would otherwise recompile amazon_tui every run).
"""

from __future__ import annotations

import os
import sys
import time

TARGET = 1.5


COMMANDS = {
    "product": ("-m", "amazon_tui", "--sandbox"),
    "bare": ("bench/startup.py", "bare"),
    "bare_pydantic": ("bench/startup.py", "bare_pydantic"),
    "warm": ("bench/startup.py", "warm"),
}


def _spawn(kind: str, data_dir) -> float:
    """Milliseconds from spawning the process to its first ready frame."""
    import subprocess

    from common import BENCH, ROOT

    env = {
        **os.environ,
        "AMAZON_TUI_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(BENCH),
        "COLUMNS": "80",
        "LINES": "24",
        "TEXTUAL_DRIVER": "paint_driver:FirstPaintDriver",
        "BENCH_READY": "cards" if kind == "product" else "static",
    }
    env.pop("AMAZON_TUI_CONFIG", None)
    started = time.time()
    done = subprocess.run(
        [sys.executable, *COMMANDS[kind]], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return (float(done.stdout.strip().splitlines()[-1]) - started) * 1000


def _compile_bytecode() -> None:
    import compileall

    from common import ROOT

    compileall.compile_dir(ROOT / "amazon_tui", quiet=1)


def run(quick: bool) -> list:
    import tempfile
    from pathlib import Path

    from common import Line, median

    runs = 3 if quick else 15
    _compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        _spawn("warm", data_dir)  # seeds the sandbox; the first sync fills the local store
        product, bare, floor = [], [], []
        for _ in range(runs):  # interleaved, so drift hits all alike
            bare.append(_spawn("bare", data_dir))
            floor.append(_spawn("bare_pydantic", data_dir))
            product.append(_spawn("product", data_dir))
    measured, baseline = median(product), median(bare)
    return [
        Line(
            "startup: first paint of store cards",
            measured,
            baseline,
            "ms",
            f"ratio <= {TARGET}",
            measured / baseline <= TARGET,
            f"median of {runs}, headless, sandbox, warm local store",
        ),
        Line(
            "startup: bare app + pydantic",
            median(floor),
            baseline,
            "ms",
            "report",
            True,
            "the bare app after validating one pydantic model: the part of the ratio that is pydantic's",
        ),
    ]


# -- the child processes ---------------------------------------------------------------------


def _warm() -> None:
    import asyncio

    from amazon_tui.config.settings import load_settings
    from amazon_tui.core.service import AppService

    async def sync() -> None:
        service = AppService.open(load_settings(sandbox=True))
        await service.sync()
        await service.aclose()

    asyncio.run(sync())
    print(time.time())


def _bare_pydantic() -> None:
    """What any pydantic-validated config costs on top of the bare app (config.py needs these)."""
    from pydantic import BaseModel, Field, SecretStr

    class Section(BaseModel):
        secret: SecretStr | None = None
        count: int = Field(default=1, ge=0)

    Section.model_validate({"secret": "s", "count": 2})
    _bare()


def _bare() -> None:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

    Bare().run()


if __name__ == "__main__":
    {"bare": _bare, "bare_pydantic": _bare_pydantic, "warm": _warm}[sys.argv[1]]()
