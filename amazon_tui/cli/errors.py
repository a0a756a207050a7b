"""What a command's failure looks like: an exit code, a code for scripts, one line for people.

With ``--json`` every outcome is one JSON document on stdout, a failure included:
``{"error": {"code": "...", "message": "..."}}``; without it, one line on stderr.
"""

from __future__ import annotations

import sys

EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_REFUSED, EXIT_ATTENTION = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141

ERROR_CODES = {
    # code: (exit code, meaning) — README's table is made from this
    "usage": (EXIT_USAGE, "a bad option, argument or value"),
    "config": (EXIT_USAGE, "the config is missing, unreadable or invalid, or names an unset variable"),
    "not_found": (EXIT_USAGE, "an unknown order number"),
    "database": (EXIT_USAGE, "the local database cannot be used"),
    "read_only": (EXIT_REFUSED, "a read-only session: nothing is journaled or sent to Amazon"),
    "not_cancelable": (
        EXIT_REFUSED,
        "the order is not Unshipped (Pending, Partially Shipped, Shipped, Canceled…)",
    ),
    "amazon_fulfilled": (
        EXIT_REFUSED,
        "Amazon fulfils the order (AFN): cancel it in Seller Central; Amazon ships it",
    ),
    "already_canceling": (EXIT_REFUSED, "a cancellation of the order is under way or done"),
    "not_shippable": (
        EXIT_REFUSED,
        "the order takes no shipment confirmation (not Unshipped or Partially Shipped)",
    ),
    "nothing_to_ship": (EXIT_REFUSED, "the items given are not unshipped items of the order"),
    "in_use": (EXIT_REFUSED, "another amazon-tui process uses the data dir (db rebuild)"),
    "not_confirmed": (EXIT_REFUSED, "the cancellation was not confirmed; nothing was sent"),
    "service": (EXIT_SERVICE, "Amazon, Magento or the network failed"),
    "storage": (
        EXIT_SERVICE,
        "the disk refused the data dir or a file in it: full, over quota, read-only, no permission",
    ),
    "internal": (EXIT_SERVICE, "an unexpected error; its trace is in the state dir"),
    "interrupted": (EXIT_INTERRUPTED, "interrupted (Ctrl+C)"),
}


class CommandError(Exception):
    """A failure with its error code; the message is one line for the operator."""

    code = "usage"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class UsageError(CommandError):
    """Bad input from the command line (exit 2)."""


class Refused(CommandError):
    """A rule forbids what was asked (exit 3)."""

    code = "not_cancelable"


def report(code: str, message: str, *, as_json: bool, sandbox: bool | None = None) -> int:
    """Print one failure (JSON on stdout, or one line on stderr); returns its exit code."""
    from amazon_tui.cli.output import print_json, safe_text

    if as_json:
        document: dict = {"error": {"code": code, "message": message}}
        if sandbox is not None:
            document["sandbox"] = sandbox
        print_json(document)
    else:
        print(f"amazon-tui: {safe_text(message)}", file=sys.stderr)
    return ERROR_CODES[code][0]
