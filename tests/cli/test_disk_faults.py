"""When the disk refuses the data dir (issue 30, item 5): every row of docs/fault-matrix.md's "Disk
and files" is one line naming the cause and the path, with the row's exit code and --json code,
no trace and no crash file. Real conditions where a test can make them without root; the errno
where only root could (a full or read-only file system, a quota)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from amazon_tui.cli.main import main
from amazon_tui.local.db import DB_FILE
from tests.support.fault_matrix import DISK_CASES, DiskCase
from tests.support.processes import REPO, cli_env

Run = Callable[[bool], tuple[int, str, str]]  # (--json?) -> (exit code, stdout, stderr)
NOBODY = 65534


class Context:
    """What a case needs: a data dir of its own, in-process or as a real process."""

    def __init__(self, request, tmp_path: Path, monkeypatch, capsys) -> None:
        self.request, self.tmp_path, self.monkeypatch, self.capsys = request, tmp_path, monkeypatch, capsys
        self.data = tmp_path / "data"
        monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(self.data))

    def in_process(self, *args: str) -> Run:
        def run(as_json: bool) -> tuple[int, str, str]:
            code = main([*args, "--sandbox", *(["--json"] if as_json else [])])
            captured = self.capsys.readouterr()
            return code, captured.out, captured.err

        return run

    def process(self, *args: str, prefix: tuple[str, ...] = ()) -> Run:
        def run(as_json: bool) -> tuple[int, str, str]:
            done = subprocess.run(
                [
                    *prefix,
                    sys.executable,
                    "-m",
                    "amazon_tui",
                    *args,
                    "--sandbox",
                    *(["--json"] if as_json else []),
                ],
                env={**cli_env(self.data), "HOME": str(self.data.parent)},
                capture_output=True,
                text=True,
                timeout=60,
                cwd=REPO,
            )
            return done.returncode, done.stdout, done.stderr

        return run

    def cap_growth(self, room: int = 0) -> None:
        """The database may grow by ``room`` pages, then SQLite says the disk is full (SQLITE_FULL)."""
        self._on_the_apps_connection(lambda size: f"PRAGMA max_page_count={size + room}")

    def read_only(self) -> None:
        """SQLite refuses every write to the database (SQLITE_READONLY)."""
        self._on_the_apps_connection(lambda size: "PRAGMA query_only=1")

    def _on_the_apps_connection(self, statement: Callable[[int], str]) -> None:
        """Run ``statement(page count)`` on the app's own connection as it opens (its public API)."""
        from amazon_tui.core import runtime

        opened = runtime.open_database

        def open_database(directory: Path):
            db = opened(directory)
            with db.transaction() as conn:
                conn.execute(statement(conn.execute("PRAGMA page_count").fetchone()[0]))
            return db

        self.monkeypatch.setattr(runtime, "open_database", open_database)

    def errno_opening_the_database(self, number: int) -> None:
        """Opening the database file fails with ``number``, as the kernel would say it."""
        real = os.open

        def refusing(path, flags, mode=0o777, *, dir_fd=None):
            if str(path).endswith(DB_FILE) and str(self.data) in str(path):
                raise OSError(number, os.strerror(number), str(path))
            return real(path, flags, mode, dir_fd=dir_fd)

        self.monkeypatch.setattr(os, "open", refusing)


CASES: dict[str, Callable[[Context], tuple[Run, Path]]] = {}


def case(name: str):
    assert name in {c.name for c in DISK_CASES}, name

    def register(make):
        CASES[name] = make
        return make

    return register


@case("full disk on a new data dir (SQLITE_FULL)")
def _full_new(ctx: Context) -> tuple[Run, Path]:
    connect = sqlite3.connect

    def no_room(*args, **kwargs):  # the app's connection, before its first statement
        conn = connect(*args, **kwargs)
        if str(args[0]).endswith(DB_FILE):
            conn.execute("PRAGMA max_page_count=1")
        return conn

    ctx.monkeypatch.setattr(sqlite3, "connect", no_room)
    return ctx.in_process("stores"), ctx.data / "sandbox" / DB_FILE


@case("full disk during a sync (SQLITE_FULL)")
def _full_sync(ctx: Context) -> tuple[Run, Path]:
    assert ctx.in_process("stores")(False)[0] == 0  # the file exists, at its smallest
    ctx.cap_growth()
    return ctx.in_process("sync"), ctx.data / "sandbox" / DB_FILE


@case("full disk (ENOSPC)")
def _enospc(ctx: Context) -> tuple[Run, Path]:
    ctx.errno_opening_the_database(errno.ENOSPC)
    return ctx.in_process("stores"), ctx.data / "sandbox" / DB_FILE


@case("quota (EDQUOT)")
def _quota(ctx: Context) -> tuple[Run, Path]:
    ctx.errno_opening_the_database(errno.EDQUOT)
    return ctx.in_process("stores"), ctx.data / "sandbox" / DB_FILE


@case("read-only file system (EROFS)")
def _erofs(ctx: Context) -> tuple[Run, Path]:
    ctx.errno_opening_the_database(errno.EROFS)
    return ctx.in_process("stores"), ctx.data / "sandbox" / DB_FILE


@case("read-only database (SQLITE_READONLY)")
def _readonly(ctx: Context) -> tuple[Run, Path]:
    ctx.read_only()
    return ctx.in_process("stores"), ctx.data / "sandbox" / DB_FILE


@case("data dir is a file (EEXIST / ENOTDIR)")
def _a_file(ctx: Context) -> tuple[Run, Path]:
    ctx.data.write_text("not a directory\n")
    return ctx.process("orders"), ctx.data


@case("no permission (EACCES, SQLITE_READONLY_DIRECTORY)")
def _no_permission(ctx: Context) -> tuple[Run, Path]:
    return ctx.process("orders", prefix=unprivileged(ctx)), ctx.data  # the data dir, or its sandbox/ below


@case("damaged file (SQLITE_NOTADB)")
def _damaged(ctx: Context) -> tuple[Run, Path]:
    (ctx.data / "sandbox").mkdir(parents=True, mode=0o700)
    ctx.data.chmod(0o700)
    (ctx.data / "sandbox" / DB_FILE).write_bytes(b"this is not a database" * 500)
    (ctx.data / "sandbox" / DB_FILE).chmod(0o600)
    return ctx.process("orders"), ctx.data / "sandbox" / DB_FILE


@case("crash file cannot be written")
def _no_crash_file(ctx: Context) -> tuple[Run, Path]:
    from amazon_tui.cli.guard import guarded

    state = ctx.tmp_path / "state"
    state.write_text("a file where the state dir must be\n")
    ctx.monkeypatch.setenv("AMAZON_TUI_STATE_DIR", str(state))

    def broken() -> int:
        raise RuntimeError("a bug")

    def run(as_json: bool) -> tuple[int, str, str]:
        code = guarded(broken, as_json=as_json)
        captured = ctx.capsys.readouterr()
        return code, captured.out, captured.err

    return run, state


def unprivileged(ctx: Context, data_mode: int = 0o500) -> tuple[str, ...]:
    """A data dir this user may not write, and the command prefix that runs the app as that user.

    Not root: the data dir is made ``data_mode``, no prefix. Root writes whatever the mode, so
    the data dir is root's own and the app runs as uid 65534 (setpriv, util-linux); skips when
    that cannot be done here."""
    if os.geteuid() != 0:
        ctx.data.mkdir(mode=data_mode)
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("run as root, where no mode refuses a write, and setpriv is not installed")
    top = Path(tempfile.mkdtemp(prefix="amazon-tui-perm-"))  # tmp_path's parents admit root only
    ctx.request.addfinalizer(lambda: shutil.rmtree(top, ignore_errors=True))
    top.chmod(0o755)
    ctx.monkeypatch.setattr(ctx, "data", top / "data")
    ctx.data.mkdir(mode=0o755)
    prefix = (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import amazon_tui"],
        cwd=REPO,
        env=cli_env(ctx.data),
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"run as root, where no mode refuses a write, and Python cannot run as uid {NOBODY}")
    return prefix


def test_every_row_of_the_matrix_is_tested():
    assert set(CASES) == {c.name for c in DISK_CASES}


@pytest.mark.parametrize("row", DISK_CASES, ids=[c.name for c in DISK_CASES])
def test_the_disk_refusing_is_one_line_naming_the_cause_and_the_path(
    row: DiskCase, request, tmp_path, monkeypatch, capsys
):
    ctx = Context(request, tmp_path, monkeypatch, capsys)
    run, path = CASES[row.name](ctx)
    code, out, err = run(False)
    lines = [line for line in err.splitlines() if "SANDBOX:" not in line]
    assert code == row.exit and out == "", (code, out, err)
    causes = [line for line in lines if row.marker in line]
    assert causes == lines[-1:] and str(path) in causes[0], err  # one line, the last, naming the path
    assert len(lines) == 1 or row.code is None, err  # sync: its progress lines come first
    assert ("Traceback" not in err and "unexpected error" not in err) or row.code == "internal"
    assert ("`amazon-tui db rebuild`" in err) == (row.code == "database"), "advised for a damaged file only"
    code, out, err = run(True)
    document = json.loads(out)
    assert code == row.exit and "Traceback" not in err
    if row.code is None:  # sync's own document: the store's failure names the cause
        assert row.marker in document["failures"]["Acme US"] and str(path) in document["failures"]["Acme US"]
    else:
        assert document["error"]["code"] == row.code and row.marker in document["error"]["message"]
    if row.code != "internal":
        assert not list(tmp_path.glob("**/crash-*.txt")), "the disk's fault is no crash"


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("room", [0, 40], ids=["no room", "room for a few pages"])
def test_a_sync_on_a_full_disk_keeps_whole_pages_only_and_the_next_sync_completes(
    request, tmp_path, monkeypatch, capsys, room
):
    ctx = Context(request, tmp_path, monkeypatch, capsys)
    assert ctx.in_process("stores")(False)[0] == 0
    db = ctx.data / "sandbox" / DB_FILE
    ctx.cap_growth(room)
    code, _, err = ctx.in_process("sync")(False)
    assert code == 1 and err.splitlines()[-1].split(": ", 1)[1].startswith("The disk is full: "), err
    failed = err.splitlines()[-1].split(": ", 1)[0]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    cursors = {store for (store,) in rows(db, "SELECT store FROM sync_cursors WHERE source = 'amazon'")}
    assert failed not in cursors, "the cursor moves with the last page only, which was not written"
    (kept,) = rows(db, f"SELECT count(*) FROM orders WHERE store = '{failed}'")[0]
    assert kept % 100 == 0, "a page is written whole or not at all"
    assert room == 0 or kept > 0, (failed, kept, cursors)
    assert "Acme CA" not in cursors or failed == "Acme CA", "no store is tried after the disk refused"
    monkeypatch.undo()  # space again
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(ctx.data))
    code, out, err = ctx.in_process("sync")(True)
    assert code == 0 and json.loads(out)["failures"] == {}, err
    assert {store for (store,) in rows(db, "SELECT store FROM sync_cursors WHERE source = 'amazon'")} == {
        "Acme US",
        "Acme UK",
        "Acme CA",
    }
