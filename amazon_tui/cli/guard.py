"""The last resort around every command: one line (or one JSON document) per failure, never a trace.

A closed pipe (``amazon-tui orders | head``) ends quietly. A disk that refuses a file (full,
read-only, not this user's, a file where a directory must be) is one line naming the cause and
the path. An error nobody expected prints one line naming a file in the state dir that holds its
trace, or saying why that file could not be written.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from amazon_tui.cli.errors import EXIT_INTERRUPTED, EXIT_PIPE, CommandError, report


def _quiet_pipe() -> int:
    """stdout's reader went away: point stdout at /dev/null so the exit flush cannot fail too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_PIPE


def write_trace(error: BaseException) -> Path:
    """Save the trace of an unexpected error in the state dir; returns where (OSError if it cannot)."""
    from amazon_tui.config.logs import redact
    from amazon_tui.config.schema import private_dir, state_dir

    path = private_dir(state_dir()) / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}.txt"
    text = redact("".join(traceback.format_exception(error)))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return path


def guarded(command: Callable[[], int], *, as_json: bool, sandbox: Callable[[], bool] | None = None) -> int:
    """Run ``command``; map every way it can fail to its exit code and one message.

    ``sandbox`` says whether the run was on the sandbox, for a failure raised before the command
    knew (a config that does not load)."""
    return _guarded(command, as_json, sandbox)


def _guarded(command: Callable[[], int], as_json: bool, sandbox: Callable[[], bool] | None) -> int:
    try:
        return _run(command, as_json)
    except _Failure as failure:
        code, message, error = failure.args
        on_sandbox = getattr(error, "sandbox", None)
        if on_sandbox is None and sandbox is not None and as_json:
            try:
                on_sandbox = sandbox()
            except Exception:  # noqa: BLE001 - the document is still printed, without the flag
                on_sandbox = None
        try:
            return report(code, message, as_json=as_json, sandbox=on_sandbox, error=error)
        except BrokenPipeError:
            return _quiet_pipe()


class _Failure(Exception):
    """(code, message, error): a failure to report."""


def _run(command: Callable[[], int], as_json: bool) -> int:
    from amazon_tui.config.schema import ConfigError

    try:
        return command()
    except BrokenPipeError:
        return _quiet_pipe()
    except KeyboardInterrupt:
        return report("interrupted", "interrupted", as_json=as_json) if as_json else EXIT_INTERRUPTED
    except CommandError as exc:
        return _report(exc.code, str(exc), exc, as_json)
    except ConfigError as exc:
        return _report("config", str(exc), exc, as_json)
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, the trace in a file
        from amazon_tui.local.db import DatabaseError
        from amazon_tui.local.disk import StorageError, from_os_error

        refusal = from_os_error(exc) if isinstance(exc, OSError) else exc
        if isinstance(refusal, StorageError):  # the disk's (or the path's) fault, not ours
            return _report("usage" if refusal.operator_input else "storage", str(refusal), exc, as_json)
        if isinstance(exc, DatabaseError):
            return _report("database", str(exc), exc, as_json)
        if "amazon_tui.clients" in sys.modules:
            from amazon_tui.clients.errors import ServiceError

            if isinstance(exc, ServiceError):
                return _report("service", str(exc), exc, as_json)
        message = f"unexpected error ({type(exc).__name__}: {exc}); {_saved_trace(exc)}"
        return _report("internal", message, exc, as_json)


def _saved_trace(error: BaseException) -> str:
    """Where the trace of ``error`` is, or why it could not be saved."""
    from amazon_tui.local.disk import from_os_error

    try:
        return f"the trace is in {write_trace(error)}"
    except OSError as problem:
        return f"its trace could not be saved either: {from_os_error(problem) or problem}"


def _report(code: str, message: str, error: BaseException, as_json: bool) -> int:
    raise _Failure(code, message, error)
