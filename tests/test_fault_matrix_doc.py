"""docs/fault-matrix.md is what the tests' parameters say (regenerate: python -m
tests.support.fault_matrix)."""

from __future__ import annotations

from tests.support.fault_matrix import COMMANDS, DOC, FAULTS, SCREENS, render


def test_fault_matrix_doc_is_in_sync_with_the_tests():
    assert DOC.read_text(encoding="utf-8") == render(), "run: python -m tests.support.fault_matrix"


def test_the_matrix_covers_every_fault_of_the_issue():
    assert list(FAULTS) == [
        "429",
        "500",
        "503",
        "timeout",
        "connection refused",
        "malformed JSON",
        "schema-invalid",
        "expired token",
        "Magento 401",
    ]
    assert len(SCREENS) >= 8 and len(COMMANDS) >= 5


def test_readme_links_the_matrix():
    readme = DOC.parents[1] / "README.md"
    assert "docs/fault-matrix.md" in readme.read_text(encoding="utf-8")
