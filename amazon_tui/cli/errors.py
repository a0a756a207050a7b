"""What a command's failure looks like: an exit code, a code for scripts, one line for people.

With ``--json`` every outcome is one JSON document on stdout, a failure included:
``{"error": {"code", "message", "time", "what_to_do", …}, "sandbox"}``; a service's failure adds
its typed fields (``service``, ``operation``, ``http_status``, ``service_code``, ``request_id``,
``retryable``). Every field is read from the typed error value, never parsed from its text.
Without ``--json``, one line on stderr.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_REFUSED, EXIT_ATTENTION = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141

ERROR_CODES = {
    # code: (exit code, meaning) — README's table is made from this
    "usage": (EXIT_USAGE, "a bad option, argument or value"),
    "config": (
        EXIT_USAGE,
        "the config is missing, unreadable or invalid, names an unset variable, or has no store",
    ),
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


# what to do, by code, when the error itself does not say better (a service's error does)
WHAT_TO_DO = {
    "usage": "correct the command line (every command has --help)",
    "config": "correct the config file (`amazon-tui config show` prints what it says; "
    "config.example.toml documents every key)",
    "not_found": "check the order number (`amazon-tui orders` lists the local ones)",
    "database": "run `amazon-tui db rebuild` (the old file is kept as a backup), or upgrade amazon-tui",
    "read_only": "run without --read-only (and without ui.read_only) to cancel or ship",
    "not_cancelable": "nothing to do here: returns and refunds of shipped orders are done in Seller Central",
    "amazon_fulfilled": "cancel it in Amazon Seller Central",
    "already_canceling": "wait: `amazon-tui resume` finishes it, `amazon-tui audit` shows how it ended",
    "not_shippable": "check the order's status (`amazon-tui order show`): only Unshipped and Partially "
    "Shipped orders take a shipment",
    "nothing_to_ship": "name unshipped items of the order (`amazon-tui order show` lists them)",
    "in_use": "stop the process named (q in a TUI, Ctrl+C in watch), then run the command again",
    "not_confirmed": "run again and type yes, or pass --yes",
    "service": "run again in a few minutes; if it keeps failing, check the service's status",
    "storage": "free space or fix the permissions of the path named, then run again",
    "internal": "report it with the trace file named in the message",
    "interrupted": "run the command again",
}


class CommandError(Exception):
    """A failure with its error code; the message is one line for the operator.

    ``cause`` is the typed error it stands for (a service's error turned into a usage error),
    whose fields the JSON error document carries."""

    code = "usage"

    def __init__(self, message: str, code: str | None = None, *, cause: BaseException | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.cause = cause


class UsageError(CommandError):
    """Bad input from the command line (exit 2)."""


class Refused(CommandError):
    """A rule forbids what was asked (exit 3)."""

    code = "not_cancelable"


def error_document(
    code: str, message: str, *, error: BaseException | None = None, now: datetime | None = None
) -> dict:
    """The ``error`` object of a JSON failure: the whole message and every typed field of its cause
    (a service's failure: ``service``, ``operation``, ``http_status``, ``service_code``,
    ``request_id``, ``retryable``), read from the error value (``core.causes.Cause``)."""
    when = now or datetime.now(UTC)
    document: dict = {
        "code": code,
        "message": message,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "what_to_do": WHAT_TO_DO[code],
        "request_id": None,
    }
    service_error = _service_error(error)
    if service_error is not None:
        from amazon_tui.core.causes import Cause

        cause = Cause.of(service_error, now=when, message=message).as_json()
        advice = cause.pop("what_to_do")
        document.update({key: value for key, value in cause.items() if key not in ("message", "time")})
        if code == "service":  # a rule's refusal keeps its own advice
            document["what_to_do"] = advice
    return document


def _service_error(error: BaseException | None) -> BaseException | None:
    """The service's failure ``error`` is, or stands for (a usage error made of a 404…)."""
    if error is None or "amazon_tui.clients" not in sys.modules:  # nothing reached a service
        return None
    from amazon_tui.clients.errors import ServiceError

    for candidate in (error, getattr(error, "cause", None), error.__cause__):
        if isinstance(candidate, ServiceError):
            return candidate
    return None


def report(
    code: str,
    message: str,
    *,
    as_json: bool,
    sandbox: bool | None = None,
    error: BaseException | None = None,
) -> int:
    """Print one failure (JSON on stdout, or one line on stderr); returns its exit code."""
    from amazon_tui.cli.output import print_json, safe_text

    if as_json:
        document: dict = {"error": error_document(code, message, error=error)}
        if sandbox is not None:
            document["sandbox"] = sandbox
        print_json(document)
    else:
        print(f"amazon-tui: {safe_text(message)}", file=sys.stderr)
    return ERROR_CODES[code][0]


def require_stores(settings) -> None:
    """A config without ``[[stores]]`` is one config error naming the file and how to add a store
    (the TUI and every command that reads or syncs orders): there is nothing to show or sync."""
    if settings.config.stores:
        return
    from amazon_tui.config.schema import ConfigError

    raise ConfigError(
        f"{settings.config_file} has no [[stores]]: add a [[stores]] table with name, marketplace, "
        "seller_id and refresh_token_env for each seller account (see config.example.toml), "
        "or run `amazon-tui init`"
    )
