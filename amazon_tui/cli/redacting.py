"""The terminal side of the redaction point: stdout and stderr never carry a known secret.

Every command's lines, tables, ``--json`` documents and errors pass through ``redact`` on the
way out, whatever they quote of a server's answer. The TUI draws on the original streams
(Textual writes to ``sys.__stderr__``); its text is made inert and redacted where it is shown.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from amazon_tui.domain.secrets import redact


class RedactingStream:
    """A text stream that redacts what is written and is otherwise the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redact_standard_streams() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` (once)."""
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr)
