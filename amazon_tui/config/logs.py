"""Where library and retry logging goes: a private, rotated file in the state dir, never the terminal.

Without a handler, Python prints every warning of a library (stamina's ``retry_scheduled``
for each retry) on stderr, under the operator's one-line error or over a ``--json`` document.
The file is opened on the first record (nothing at start-up), mode 0600; every secret the
process knows (``domain.secrets``) is replaced by ``********`` before a record is written.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from amazon_tui.domain.secrets import redact

LOG_FILE = "amazon-tui.log"
MAX_BYTES, BACKUPS = 1_000_000, 3


class _PrivateLogFile(logging.Handler):
    """A size-rotated log file made on first use, 0600 in a 0700 directory."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._file: logging.Handler | None = None
        self._opening = threading.Lock()
        self.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))

    def _target(self) -> logging.Handler:
        from amazon_tui.config.schema import private_dir, state_dir

        with self._opening:
            path = state_dir() / LOG_FILE
            if self._file is None or self._file.baseFilename != str(path.absolute()):  # type: ignore[attr-defined]
                from logging.handlers import RotatingFileHandler

                if self._file is not None:
                    self._file.close()
                path = private_dir(path.parent) / LOG_FILE
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                os.close(descriptor)
                os.chmod(path, 0o600)
                self._file = RotatingFileHandler(
                    path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
                )
            return self._file

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = redact(self.format(record))
            target = self._target()
            if target.stream is None:  # type: ignore[attr-defined]
                target.stream = target._open()  # type: ignore[attr-defined]
            target.emit(
                logging.makeLogRecord({"msg": line, "levelno": record.levelno, "levelname": record.levelname})
            )
            rotated = Path(target.baseFilename)  # type: ignore[attr-defined]
            if rotated.exists() and rotated.stat().st_mode & 0o077:
                os.chmod(rotated, 0o600)
        except Exception:  # noqa: BLE001 - logging must never break the app (nor print a trace)
            pass


def configure_logging() -> None:
    """Send every warning of the app and its libraries to the private log file, none to stderr."""
    root = logging.getLogger()
    if not any(isinstance(handler, _PrivateLogFile) for handler in root.handlers):
        root.addHandler(_PrivateLogFile())
    root.setLevel(logging.WARNING)
