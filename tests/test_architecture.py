"""Import hygiene: the core never loads Textual, screens never load httpx (harlequin's rule)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "amazon_tui"
CORE = [
    "amazon_tui.domain.values",
    "amazon_tui.domain.models",
    "amazon_tui.config.schema",
    "amazon_tui.local.orders",
    "amazon_tui.core.sync",
    "amazon_tui.core.cancel.engine",
    "amazon_tui.core.service",
    "amazon_tui.clients.amazon.orders",
    "amazon_tui.core.cancel.feed_xml",
    "amazon_tui.domain.attention",
]


@pytest.mark.parametrize("module", CORE)
def test_core_modules_do_not_import_textual(module):
    code = f"import sys, {module}; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_only_tui_imports_textual_and_tui_never_imports_httpx():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        in_tui = "tui" in path.relative_to(PACKAGE).parts[:1]
        if not in_tui:
            assert "import textual" not in text and "from textual" not in text, path
        else:
            assert "import httpx" not in text and "from httpx" not in text, path


def test_no_orders_v0_paths_but_confirm_shipment():
    """Orders 2026-01-01 replaced v0, but for confirmShipment, which it has no equivalent of."""
    for path in PACKAGE.rglob("*.py"):
        text = re.sub(r"/orders/v0/orders/\{\w+\}/shipmentConfirmation", "", path.read_text())
        assert "/orders/v0/" not in text, path


def test_sandbox_imports_nothing_of_the_app():
    for path in (PACKAGE / "sandbox").rglob("*.py"):
        text = path.read_text()
        for other in (
            "amazon_tui.clients",
            "amazon_tui.service",
            "amazon_tui.tui",
            "amazon_tui.domain",
            "amazon_tui.config",
        ):
            assert other not in text, (path, other)


# What the issue names: sandbox (server side), uvicorn, XML, the CLI-only code.
OFF_THE_START_PATH = (
    "uvicorn",
    "starlette",
    "xml.etree.ElementTree",
    "defusedxml",
    "amazon_tui.cli.commands",
    "amazon_tui.sandbox.cli",
    "amazon_tui.cli.init_wizard",
    "amazon_tui.sandbox.sandbox",
    "amazon_tui.core.cancel.engine",
    "amazon_tui.local.journal",
    "amazon_tui.domain.attention",  # used after the first paint
    "tomllib",  # the embedded sandbox has no config file to parse
    "amazon_tui.domain.models",  # the store cards need no pydantic domain model
)


def test_the_tuis_start_path_leaves_heavy_modules_unloaded(tmp_path):
    """Up to the first paint of the store cards from a synced local store (as ``bench/startup.py``
    measures it; the background work, which follows the paint, held back)."""
    env = {**os.environ, "AMAZON_TUI_DATA_DIR": str(tmp_path)}
    sync = (
        "import asyncio; from amazon_tui.core.service import AppService; "
        "from amazon_tui.config.settings import load_settings\n"
        "async def sync():\n"
        "    service = AppService.open(load_settings(sandbox=True))\n"
        "    await service.sync()\n"
        "    await service.aclose()\n"
        "asyncio.run(sync())"
    )
    synced = subprocess.run(
        [sys.executable, "-c", sync], capture_output=True, text=True, timeout=120, env=env
    )
    assert synced.returncode == 0, synced.stderr
    code = (
        "import asyncio, sys; from amazon_tui.cli import main as cli; "
        "args = cli.parse(['--sandbox']); settings = cli._settings(args); "
        "from amazon_tui.core.service import AppService; from amazon_tui.tui.app import AmazonTuiApp; "
        "app = AmazonTuiApp(AppService.open(settings), background=False)\n"
        "async def first_paint():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "        assert any(card.card.stats.order_count for card in app.screen.query('StoreCardWidget'))\n"
        f"        print([m for m in {OFF_THE_START_PATH!r} if m in sys.modules])\n"
        "asyncio.run(first_paint())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_scripting_command_runs_with_the_garbage_collector_on(tmp_path):
    code = (
        "import gc, sys; from amazon_tui.cli.main import main; main(['config', 'path']); "
        "sys.exit(0 if gc.isenabled() else 9)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "",
            "AMAZON_TUI_DATA_DIR": str(tmp_path),
            "AMAZON_TUI_CONFIG": str(tmp_path / "none.toml"),
        },
    )
    assert done.returncode == 0, done.stderr


# -- the shape of the tree (issue 28): each part in its room, small enough to hold in one's head ----

MAX_CLASS_LINES, MAX_FUNCTION_LINES = 300, 80


def test_only_the_entry_points_sit_at_the_package_root():
    loose = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


def _definitions():
    import ast

    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                yield path.relative_to(PACKAGE.parent), node


def test_no_class_over_300_lines_and_no_function_over_80():
    import ast

    too_long = [
        f"{path}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path, node in _definitions()
        if node.end_lineno - node.lineno + 1
        > (MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES)
    ]
    assert too_long == []


def test_no_import_cycles_deferred_imports_included():
    """Imports inside functions count; only ``if TYPE_CHECKING:`` ones do not (import-linter's
    acyclic contract checks packages; this checks every pair of modules)."""
    import grimp

    graph = grimp.build_graph("amazon_tui", exclude_type_checking_imports=True, cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if module < imported and graph.chain_exists(imported=module, importer=imported):
                cycles.append(f"{module} <-> {imported}")
    assert cycles == []
