"""The CLI in-process on the embedded sandbox: ``run`` and a ``synced`` data dir."""

from __future__ import annotations

import pytest

from amazon_tui.cli.main import main


@pytest.fixture
def run(capsys, monkeypatch):
    """Run ``amazon-tui ARGS`` in-process; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def synced(run):
    code, _, err = run("sync")
    assert code == 0, err
    return run
