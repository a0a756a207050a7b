"""docs/fault-matrix.md is what the tests' parameters say (regenerate: python -m
tests.support.fault_matrix)."""

from __future__ import annotations

from tests.support.fault_matrix import COMMANDS, DISK_CASES, DOC, FAULTS, HOSTILE_CASES, SCREENS, render


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


def test_the_matrix_covers_every_disk_fault_of_issue_30():
    named = " ".join(case.name for case in DISK_CASES)
    for cause in (
        "SQLITE_FULL",
        "ENOSPC",
        "EDQUOT",
        "EROFS",
        "SQLITE_READONLY",
        "ENOTDIR",
        "EEXIST",
        "EACCES",
    ):
        assert cause in named, cause
    assert {case.code for case in DISK_CASES if "data dir is a file" in case.name} == {"usage"}
    assert [case.code for case in DISK_CASES].count("database") == 1, "db rebuild: a damaged file only"


def test_readme_links_the_matrix():
    readme = DOC.parents[1] / "README.md"
    assert "docs/fault-matrix.md" in readme.read_text(encoding="utf-8")


def test_every_hostile_case_names_a_test_that_exists():
    root = DOC.parents[1]
    for case in HOSTILE_CASES:
        path, name = case.test.split("::")
        assert f"def {name}(" in (root / path).read_text(encoding="utf-8"), case.test
