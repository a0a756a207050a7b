"""6 ssh-bytes: bytes the app writes to a pseudo-terminal at 80x24 (what crosses an SSH link).

The real ``python -m amazon_tui --sandbox`` runs in a pty (TERM=xterm-256color) on a data
dir prepared by a first sync. From the store cards: Enter (first paint of Recent Orders),
``j`` (one cursor move), PageDown, then 5 s idle with no input focused. Each step counts the
bytes until the output has been quiet for a while. Baseline: a bare Textual app whose Enter
opens a DataTable of the same rows (same columns, same text), in the same pty setup.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import common
from common import Line

QUIET = 1.0
IDLE = 5.0
STEPS = (("first paint (Enter)", b"\r"), ("cursor move (j)", b"j"), ("page-down", b"\x1b[6~"))
BARE_KEYS = {b"j": b"\x1b[B"}  # a bare DataTable moves with the arrow (j is amazon-tui's binding)


def _drain(fd: int, quiet: float, limit: float = 30.0) -> int:
    """Bytes read until nothing came for ``quiet`` seconds (or ``limit`` passed)."""
    total, deadline = 0, time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            break
        try:
            total += len(os.read(fd, 65536))
        except OSError:
            break
    return total


def _session(argv: list[str], data_dir: Path, keymap: dict[bytes, bytes] | None = None) -> dict[str, int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "LINES": "24",
        "COLUMNS": "80",
        "AMAZON_TUI_DATA_DIR": str(data_dir),
    }
    for name in ("TEXTUAL_COLOR_SYSTEM", "NO_COLOR", "TEXTUAL"):
        env.pop(name, None)
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=common.ROOT, start_new_session=True
    )
    os.close(slave)
    try:
        counts = {"start": _drain(master, 2.0)}
        for name, keys in STEPS:
            os.write(master, (keymap or {}).get(keys, keys))
            counts[name] = _drain(master, QUIET)
        started = time.monotonic()
        counts["idle 5 s"] = _drain(master, IDLE, limit=IDLE)
        if time.monotonic() - started < IDLE:  # something was written: count the whole window
            counts["idle 5 s"] += _drain(master, IDLE - (time.monotonic() - started), limit=IDLE)
        os.write(master, b"q")
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return counts


def run(quick: bool) -> list[Line]:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        subprocess.run(
            [sys.executable, str(common.BENCH / "startup.py"), "warm"],
            check=True,
            capture_output=True,
            env={**os.environ, "AMAZON_TUI_DATA_DIR": str(data_dir)},
            cwd=common.ROOT,
        )
        product = _session([sys.executable, "-m", "amazon_tui", "--sandbox"], data_dir)
        bare = _session([sys.executable, str(common.BENCH / "ssh_bytes.py"), "bare"], data_dir, BARE_KEYS)
    targets = {"cursor move (j)": (1536, "<= 1.5 KB"), "idle 5 s": (0, "== 0 B")}
    lines = []
    for name in [step for step, _ in STEPS] + ["idle 5 s"]:
        limit, target = targets.get(name, (None, "report"))
        passed = limit is None or product[name] <= limit
        lines.append(
            Line(
                f"ssh-bytes: {name}",
                product[name],
                bare[name],
                "B",
                target,
                passed,
                "80x24 pty; base: bare DataTable app",
            )
        )
    return lines


# -- the baseline app ------------------------------------------------------------------------


def _bare() -> None:
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Static

    from amazon_tui.config.settings import load_settings
    from amazon_tui.local.db import open_database
    from amazon_tui.local.orders import OrderRepository

    settings = load_settings(sandbox=True)
    repo = OrderRepository(open_database(settings.data_dir))
    from amazon_tui.domain.models import OrderQuery

    rows = repo.summaries(OrderQuery(stores=(common.STORE,)), limit=settings.config.ui.recent_orders)

    class Orders(Screen):
        def compose(self):
            table = DataTable(cursor_type="row")
            table.add_columns(
                "Purchase Date", "Order Number", "Status", "Buyer's Name", "Total", "Order Notes"
            )
            for row in rows:
                total = f"{row.total.amount:,.2f}" if row.total else ""
                table.add_row(
                    row.purchase_date.strftime("%m-%d %H:%M"),
                    row.order_id,
                    row.status_label,
                    row.buyer_name or "—",
                    total,
                    row.notes or "",
                )
            yield table
            yield Footer()

    class Bare(App):
        BINDINGS = [("enter", "orders", "Orders"), ("q", "quit", "Quit")]

        def compose(self):
            yield Static("Stores")
            yield Footer()

        def action_orders(self) -> None:
            self.push_screen(Orders())

    Bare().run()


if __name__ == "__main__":
    _bare()
