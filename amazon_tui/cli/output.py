"""What commands print: inert text, plain-text tables that fit the terminal, JSON documents."""

from __future__ import annotations

import json
import re
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from amazon_tui.domain.text import safe_text  # the commands' too: one definition, shared with the TUI

if TYPE_CHECKING:
    from amazon_tui.core.service import AppService

ELLIPSIS = "…"
# fits 80 columns after "amazon-tui: "
SANDBOX_BANNER = "SANDBOX: demo data, not your stores (no config file, or --sandbox)"


def cell_width(text: str) -> int:
    return sum(
        2 if unicodedata.east_asian_width(char) in "WF" else 0 if unicodedata.combining(char) else 1
        for char in text
    )


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells, ending with an ellipsis when cut; pad to width."""
    if cell_width(text) <= width:
        return text + " " * (width - cell_width(text))
    out, used = [], 0
    for char in text:
        size = cell_width(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + ELLIPSIS + " " * (width - used - 1)


EMPTY = "—"  # an empty value on a terminal; piped, an empty field


def utc_minute(value: datetime) -> str:
    """A time to the minute with its year and zone: ``2026-12-08 02:23 UTC``."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    flexible: Sequence[int] = (),
    floors: dict[int, int] | None = None,
    width: int | None = None,
) -> str:
    """Rows for a person or a script.

    Not on a terminal (a pipe, a file): tab-separated, every value whole. On a terminal:
    aligned columns that fit ``width`` (default: ``$COLUMNS`` or the terminal's width) by
    shrinking only the ``flexible`` columns (free text: names, titles, notes) with an
    ellipsis, each down to its ``floors`` entry (default 4 cells); order numbers, amounts
    and dates are never cut, even when the line must then be wider than the terminal.
    A ``None`` value is shown as "—" on a terminal and is an empty field when piped.
    """
    piped = width is None and not sys.stdout.isatty()
    empty = "" if piped else EMPTY
    cells = [[empty if value is None else safe_text(value) for value in row] for row in rows]
    if piped:
        return "\n".join("\t".join(line) for line in [list(headers), *cells])
    total = width or shutil.get_terminal_size((80, 24)).columns
    widths = [max([cell_width(h)] + [cell_width(row[i]) for row in cells]) for i, h in enumerate(headers)]
    budget = total - 2 * (len(headers) - 1)
    floor = {
        i: min(widths[i], (floors or {}).get(i, 4)) for i in flexible
    }  # "Bu…" still says which column it is
    while sum(widths) > budget:
        candidates = [i for i in flexible if widths[i] > floor[i]]
        if not candidates:
            break
        widths[max(candidates, key=lambda i: widths[i])] -= 1
    lines = ["  ".join(fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(fit(c, w) for c, w in zip(row, widths, strict=False)).rstrip() for row in cells]
    return "\n".join(lines)


def print_table(service: AppService, text: str) -> None:
    """A table on stdout; on the sandbox its first line says so."""
    if service.settings.sandbox:
        print(SANDBOX_BANNER)
    print(text)


def print_document(service: AppService, **fields: Any) -> None:
    """The command's one JSON document: ``{"sandbox": …, <fields>}``."""
    print_json({"sandbox": service.settings.sandbox, **fields})


# json escapes C0 controls itself; with ensure_ascii=False it writes DEL, the C1 controls
# (0x9b is an 8-bit CSI to some terminals), the line separators and lone surrogates (bytes of an
# argument that were not UTF-8; stdout cannot encode them) raw: escape those too.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def json_text(data: Any) -> str:
    """``data`` as JSON that is inert on a terminal and still round-trips every string exactly."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def print_json(data: Any) -> None:
    sys.stdout.write(json_text(data))
    sys.stdout.write("\n")
