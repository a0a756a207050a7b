"""Import hygiene: the core never loads Textual, screens never load httpx (harlequin's rule)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "amazon_tui"
CORE = ["amazon_tui.domain", "amazon_tui.config", "amazon_tui.local", "amazon_tui.sync", "amazon_tui.cancel", "amazon_tui.service", "amazon_tui.clients", "amazon_tui.feed_xml", "amazon_tui.attention"]


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


def test_no_orders_v0_paths():
    for path in PACKAGE.rglob("*.py"):
        assert "/orders/v0/" not in path.read_text(), path


def test_sandbox_imports_nothing_of_the_app():
    for path in (PACKAGE / "sandbox").rglob("*.py"):
        text = path.read_text()
        for other in ("amazon_tui.clients", "amazon_tui.service", "amazon_tui.tui", "amazon_tui.domain", "amazon_tui.config"):
            assert other not in text, (path, other)
