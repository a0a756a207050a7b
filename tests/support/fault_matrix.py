"""The fault matrix: every TUI screen and CLI command doing I/O × every fault, and what must happen.

The tests take their parameters from here, and ``docs/fault-matrix.md`` is rendered from here
(``python -m tests.support.fault_matrix`` writes it; a test checks it is in sync).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "fault-matrix.md"

# fault -> (how it is injected, a text the one-line cause must contain)
FAULTS: dict[str, tuple[str, str]] = {
    "429": ('sandbox fault "429"', "429"),
    "500": ('sandbox fault "500"', "500"),
    "503": ('sandbox fault "503"', "503"),
    "timeout": (
        'sandbox fault "timeout" (held 3 s; client deadline `network.timeout_seconds` = 0.5 s)',
        "no answer within 0.5 s",
    ),
    "connection refused": ("a closed port on 127.0.0.1 (httpx's real transport)", "could not connect"),
    "malformed JSON": ('sandbox fault "malformed_json"', "not valid JSON"),
    "schema-invalid": ('sandbox fault "schema_invalid"', "invalid"),
    "expired token": ('sandbox fault "expired_token" (refreshed once, still refused)', "40"),
    "Magento 401": ('sandbox fault "magento_401"', "401"),
}
SANDBOX_KIND = {
    "429": "429",
    "500": "500",
    "503": "503",
    "timeout": "timeout",
    "malformed JSON": "malformed_json",
    "schema-invalid": "schema_invalid",
    "expired token": "expired_token",
    "Magento 401": "magento_401",
}
CONNECTION_REFUSED = "connection refused"


@dataclass(frozen=True)
class Target:
    """A screen or command doing I/O: the sandbox operation faulted, the failing call's name."""

    name: str
    operation: str  # sandbox operation the Amazon-side faults are injected on
    failing: str  # "<Service> <operation>" the cause names
    retry: str  # how the operator retries
    magento_operation: str | None = None  # where "Magento 401" is injected (None: no Magento call here)
    magento_failing: str | None = None

    def injection(self, fault: str) -> tuple[str, str] | None:
        """(sandbox operation, fault kind) for ``fault``; None when it does not apply here."""
        if fault == "Magento 401":
            return (self.magento_operation, SANDBOX_KIND[fault]) if self.magento_operation else None
        return self.operation, SANDBOX_KIND[fault]

    def expected(self, fault: str) -> str:
        """A text the one-line cause must contain: the failing call and the fault's marker."""
        if fault == CONNECTION_REFUSED:
            return FAULTS[fault][1]
        failing = self.magento_failing if fault == "Magento 401" else self.failing
        return f"{failing} failed: "


SYNC = {
    "operation": "searchOrders",
    "failing": "Amazon searchOrders",
    "magento_operation": "magentoSearchOrders",
    "magento_failing": "Magento searchOrders",
}

SCREENS: tuple[Target, ...] = (
    Target("Amazon Stores: sync", retry="r", **SYNC),
    Target("Store dashboard: sync", retry="r", **SYNC),
    Target("All Amazon Orders: background sync", retry="r", **SYNC),
    Target("Attention: sync", retry="r", **SYNC),
    Target(
        "Magento order view",
        operation="magentoGetOrder",
        failing="Magento getOrder",
        retry="r",
        magento_operation="magentoGetOrder",
        magento_failing="Magento getOrder",
    ),
    Target("Amazon Order Details: getOrder", operation="getOrder", failing="Amazon getOrder", retry="r"),
    Target(
        "Cancel modal: createFeedDocument",
        operation="createFeedDocument",
        failing="Amazon createFeedDocument",
        retry="Enter",
    ),
    Target("Cancel modal: createFeed", operation="createFeed", failing="Amazon createFeed", retry="Enter"),
    Target("Cancel follow-up: getFeed", operation="getFeed", failing="Amazon getFeed", retry="r"),
)

COMMANDS: tuple[Target, ...] = (
    Target("sync --store 'Acme US'", retry="run again", **SYNC),
    Target("attention --sync", retry="run again", **SYNC),
    Target("order show --refresh", operation="getOrder", failing="Amazon getOrder", retry="run again"),
    Target(
        "order cancel --yes --wait: createFeedDocument",
        operation="createFeedDocument",
        failing="Amazon createFeedDocument",
        retry="run again",
    ),
    Target(
        "order cancel --yes --wait: getFeed",
        operation="getFeed",
        failing="Amazon getFeed",
        retry="amazon-tui resume",
    ),
)


@dataclass(frozen=True)
class DiskCase:
    """A way the disk (or the path) refuses the data dir: how the test makes it, what the command says."""

    name: str
    how: str
    exit: int
    code: str | None  # the --json error code (None: sync's own document, the cause in `failures`)
    marker: str  # a text the one line contains


DISK_CASES: tuple[DiskCase, ...] = (
    DiskCase(
        "full disk on a new data dir (SQLITE_FULL)",
        "real SQLite: `PRAGMA max_page_count=1` on the app's connection as it opens; `stores`",
        1,
        "storage",
        "The disk is full: ",
    ),
    DiskCase(
        "full disk during a sync (SQLITE_FULL)",
        "real SQLite: `PRAGMA max_page_count` at the file's size on the app's own connection "
        "(`Database.transaction`); `sync`",
        1,
        None,
        "The disk is full: ",
    ),
    DiskCase(
        "full disk (ENOSPC)",
        "simulated: opening the database file raises `OSError(ENOSPC)` (a small file system needs root)",
        1,
        "storage",
        "The disk is full: ",
    ),
    DiskCase(
        "quota (EDQUOT)",
        "simulated: opening the database file raises `OSError(EDQUOT)` (a quota needs root)",
        1,
        "storage",
        "The disk quota is used up: ",
    ),
    DiskCase(
        "read-only file system (EROFS)",
        "simulated: opening the database file raises `OSError(EROFS)` (a read-only mount needs root)",
        1,
        "storage",
        "on a read-only file system, or read-only itself",
    ),
    DiskCase(
        "read-only database (SQLITE_READONLY)",
        "real SQLite: `PRAGMA query_only` on the app's own connection; `stores`",
        1,
        "storage",
        "on a read-only file system, or read-only itself",
    ),
    DiskCase(
        "data dir is a file (EEXIST / ENOTDIR)",
        "real: `$AMAZON_TUI_DATA_DIR` names a file (real process); a path through a file in "
        "tests/local/test_disk.py",
        2,
        "usage",
        "cannot be a directory: a file is in its place, or in its path",
    ),
    DiskCase(
        "no permission (EACCES, SQLITE_READONLY_DIRECTORY)",
        "real: a data dir mode 0500, or, when the tests run as root, root's directory with the "
        "command run as uid 65534 by `setpriv` (real process; skipped where neither can be made)",
        1,
        "storage",
        "No permission to use ",
    ),
    DiskCase(
        "damaged file (SQLITE_NOTADB)",
        "real: garbage in `amazon-tui.db` (real process)",
        2,
        "database",
        "is unreadable",
    ),
    DiskCase(
        "crash file cannot be written",
        "real: `$AMAZON_TUI_STATE_DIR` names a file, and an unexpected error",
        1,
        "internal",
        "its trace could not be saved either: ",
    ),
)


def applies(target: Target, fault: str) -> bool:
    return fault == CONNECTION_REFUSED or target.injection(fault) is not None


def screen_outcome(target: Target, fault: str) -> str:
    if not applies(target, fault):
        return "n/a (no Magento call)"
    return f"✓ `{target.expected(fault).removesuffix(' failed: ')}` · {target.retry}"


def command_outcome(target: Target, fault: str) -> str:
    if not applies(target, fault):
        return "n/a (no Magento call)"
    return f"✓ exit 1 `{target.expected(fault).removesuffix(' failed: ')}` · {target.retry}"


def _table(targets: tuple[Target, ...], outcome) -> list[str]:
    lines = ["| | " + " | ".join(FAULTS) + " |", "|---" * (len(FAULTS) + 1) + "|"]
    for target in targets:
        lines.append(
            f"| **{target.name}** | " + " | ".join(outcome(target, fault) for fault in FAULTS) + " |"
        )
    return lines


@dataclass(frozen=True)
class HostileCase:
    """A hostile answer or a hostile machine (issue 30): how the sandbox or the test makes it, the
    outcome, and the test that proves it (``tests/...py::test_name``)."""

    name: str
    how: str
    outcome: str
    test: str


HOSTILE_CASES: tuple[HostileCase, ...] = (
    HostileCase(
        "a server echoes the request (LWA, SP-API, Magento, the bucket)",
        'sandbox fault "echo" on each operation in turn; real processes sync, show, cancel',
        "no configured secret nor minted token in stdout, stderr, JSON, the database, the log",
        "tests/e2e/test_echoing_servers.py::test_an_echoing_server_leaks_no_secret",
    ),
    HostileCase(
        "a document URL off Amazon's storage (127.0.0.1, plain HTTP, a foreign host)",
        "`set_document_urls(base=...)`; a mock answer in the client test",
        "refused before any request: `the document URL is not on Amazon's storage (…)`",
        "tests/clients/test_hostile_answers.py::test_a_document_url_off_amazons_storage_is_refused_before_any_request",
    ),
    HostileCase(
        "the bucket redirects",
        "`set_document_urls(redirect=...)`; a 302 in the client test",
        "not followed: the call fails with its status",
        "tests/clients/test_hostile_answers.py::test_a_redirect_from_storage_is_not_followed",
    ),
    HostileCase(
        "a fulfillmentStatus Amazon added later",
        "the order's status edited in the sandbox to `EXPLODED`",
        "stored, listed as `Unknown status EXPLODED` with a note, never cancelable; the cursor moves",
        "tests/core/test_odd_orders.py::test_an_unknown_status_is_kept_listed_and_never_canceled",
    ),
    HostileCase(
        "a grandTotal no store can sum (`1e400`, 26 digits)",
        "the order's total edited in the sandbox",
        "stored and shown as received, left out of the sums, with a note",
        "tests/core/test_odd_orders.py::test_an_amount_beyond_what_can_be_summed_is_kept_and_left_out",
    ),
    HostileCase(
        "an order in another currency than its store's",
        "a JPY 5,000 total on a US order",
        "not in the USD sales; counted apart: `+ JPY 5,000 (1 order) not in USD`",
        "tests/core/test_odd_orders.py::test_an_order_in_another_currency_is_counted_apart",
    ),
    HostileCase(
        "a web page posts to a served sandbox's admin routes",
        "cross-origin text/plain POST; a rebound DNS name in `Host`",
        "403, nothing changed",
        "tests/sandbox/test_sandbox_admin_guard.py::test_a_cross_origin_text_plain_reset_of_a_served_sandbox_is_refused",
    ),
    HostileCase(
        "bidi and zero-width characters in Amazon's and Magento's text",
        "hostile buyer, title, Magento fields in the sandbox; the TUI driven by Pilot",
        "shown escaped (`\\u202e`), never raw; `--json` exact",
        "tests/tui/test_hostile.py::test_bidi_and_zero_width_characters_are_escaped_wherever_the_tui_shows_them",
    ),
    HostileCase(
        "a leader frozen past its lease, then resumed",
        "SIGSTOP / SIGCONT of a real `watch`",
        "registers again at once; no status line says `Leader: none` while a process leads",
        "tests/e2e/test_leader_processes.py::test_a_leader_frozen_and_resumed_is_seen_again_and_never_as_none",
    ),
    HostileCase(
        "preferences.json with a page of -5",
        "the file written before the app starts",
        "that value ignored with a notice naming it; the others kept",
        "tests/tui/test_preferences.py::test_a_bad_page_is_ignored_with_a_notice_and_the_other_preferences_kept",
    ),
    HostileCase(
        "an unknown `[keymap]` id or key name",
        "a config with `cancel_order` and `ctlr+b`",
        "exit 2, one config line naming each (the TUI does not start)",
        "tests/tui/test_keymap.py::test_the_tui_refuses_to_start_with_a_bad_keymap",
    ),
    HostileCase(
        "confirmShipment applied, its answer a 5xx (or lost to a timeout)",
        'sandbox fault "applied_error" on confirmShipment; the next sync',
        "the row stays `sending`, then `confirmed` from Amazon's order; one confirmShipment in all",
        "tests/core/test_shipments.py::test_a_lost_answer_is_settled_from_amazons_order_never_sent_twice",
    ),
    HostileCase(
        "`order ship` SIGKILLed while Amazon holds its confirmation",
        'sandbox fault "late_answer" on confirmShipment; SIGKILL; `amazon-tui resume`',
        "confirmed from Amazon's order; one package, one confirmShipment",
        "tests/e2e/test_shipment_processes.py::test_a_ship_killed_mid_request_is_settled_by_resume_from_amazons_order",
    ),
    HostileCase(
        "Amazon refuses a shipment confirmation (400)",
        'sandbox fault "echo" with status 400 on confirmShipment',
        "the row `failed` with Amazon's words, on Attention and in `shipments`; never sent again by itself",
        "tests/core/test_shipments.py::test_amazons_400_fails_the_row_with_amazons_words_and_attention_lists_it",
    ),
    HostileCase(
        "a Magento shipment listing a SKU Amazon's order lacks",
        "the sandbox's Magento shipment rewritten",
        "nothing sent; listed with why; sent once Magento's shipment is put right",
        "tests/core/test_shipments.py::test_a_magento_shipment_amazons_order_cannot_hold_is_listed_with_why",
    ),
    HostileCase(
        "a process that lost the lease finds a Magento shipment",
        "a stale fence after another process took the lease",
        "nothing journaled, nothing sent; the leader confirms it once",
        "tests/core/test_shipments.py::test_a_process_that_lost_the_lease_sends_nothing",
    ),
)


def render() -> str:
    """docs/fault-matrix.md, from the parameters above."""
    lines = [
        "# Fault matrix",
        "",
        (
            "Generated from `tests/support/fault_matrix.py` (`python -m tests.support.fault_matrix`); "
            "the tests in"
        ),
        "`tests/cli/test_faults.py` and `tests/tui/test_faults.py` run every cell against the sandbox, and",
        "`tests/test_fault_matrix_doc.py` checks that this file is in sync.",
        "",
        "Every cell: the fault is injected, the operation is tried, and the app **stays up** and shows a",
        (
            "**one-line cause** naming the failing call "
            "(`<Service> <operation> failed: <status> <code> — <message>`,"
        ),
        "or `could not connect` / `no answer within 0.5 s`) with the **key that retries** (TUI), or the",
        (
            "command **exits 1** with that cause on stderr (CLI); "
            "then the fault is lifted and the retry succeeds."
        ),
        "Retries inside the clients are instant in the tests (`stamina.set_testing`, one attempt).",
        "",
        "## Faults",
        "",
        "| fault | how | the cause contains |",
        "|---|---|---|",
        *[f"| {fault} | {how} | `{marker}` |" for fault, (how, marker) in FAULTS.items()],
        "",
        "## TUI screens",
        "",
        (
            "The cause shows on the screen's error line above the footer "
            "(`⚠ <what>: <cause> — press r to retry`);"
        ),
        "in the cancel modal under the reasons (`Unable to cancel the order. Please try again.` + cause +",
        "`Press Enter to retry`). A cancellation whose report could not be fetched stays in the journal:",
        "`r` on Amazon Order Details (or Sync on a list) asks Amazon again.",
        "",
        "Cell: ✓ = tested; the call the cause names; the key that retries.",
        "",
        *_table(SCREENS, screen_outcome),
        "",
        "## Command line",
        "",
        "`amazon-tui <command>` against a sandbox served on 127.0.0.1 (real sockets); stderr carries",
        "`amazon-tui: <cause>` (sync: `<store>: <cause>`).",
        "",
        "Cell: ✓ = tested; exit code and the call the cause names; how to retry. `order cancel … getFeed`",
        (
            "× connection refused: submitted while the service answers, "
            "then `amazon-tui resume` while it is down."
        ),
        "",
        *_table(COMMANDS, command_outcome),
        "",
        "## Disk and files",
        "",
        "`amazon-tui <command>` when the disk refuses the data dir: one line on stderr naming the cause",
        "and the path (`--json`: one document), no trace, no crash file; `db rebuild` is advised",
        "only for a damaged file. A write that fails is rolled back whole, and a `db rebuild` the disk",
        "refuses puts the old file back. `tests/cli/test_disk_faults.py` runs every row; what needs root",
        "to make (a full or read-only file system, a quota) is simulated with the errno, and says so.",
        "",
        "| fault | how the test makes it | exit | `code` | the line contains |",
        "|---|---|---|---|---|",
        *[
            f"| {case.name} | {case.how} | {case.exit} | {f'`{case.code}`' if case.code else '`failures`'} "
            f"| `{case.marker.strip()}` |"
            for case in DISK_CASES
        ],
        "",
        "## Hostile servers and a hostile machine",
        "",
        "Each row is a test (issue 30); the argument and disk rows are above and in",
        "`tests/cli/test_arguments.py`.",
        "",
        "| case | how the test makes it | outcome | test |",
        "|---|---|---|---|",
        *[f"| {case.name} | {case.how} | {case.outcome} | `{case.test}` |" for case in HOSTILE_CASES],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
