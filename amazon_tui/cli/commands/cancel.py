"""``order cancel`` and ``resume``: the TUI's cancellation state machine from the shell."""

from __future__ import annotations

import argparse
import sys
from typing import NamedTuple

from amazon_tui.cli.commands.common import load_order
from amazon_tui.cli.errors import EXIT_OK, EXIT_REFUSED, EXIT_SERVICE, Refused, UsageError
from amazon_tui.cli.output import print_document, safe_text
from amazon_tui.domain.values import CancelReason
from amazon_tui.local.journal import CancelState


def _confirm(order_ids: list[str], reason: CancelReason) -> bool:
    if not sys.stdin.isatty():
        raise UsageError(
            "refusing to cancel without confirmation: stdin is not a terminal (pass --yes to confirm)"
        )
    print(
        f"Cancel {len(order_ids)} Amazon order(s) with the reason {reason.label!r}? "
        "The reason is sent to Amazon and the buyer.",
        file=sys.stderr,
    )
    for order_id in order_ids:
        print(f"  {order_id}", file=sys.stderr)
    print("Type yes to confirm: ", end="", file=sys.stderr, flush=True)  # stdout holds only the result
    return sys.stdin.readline().strip().lower() == "yes"


NO_LEADER = (
    "No amazon-tui process leads this data dir now: the next TUI, `amazon-tui watch` or "
    "`amazon-tui resume` collects Amazon's report (or pass --wait to wait for it here)."
)
RESUME_HINT = (
    "amazon-tui: the cancellation is kept in the journal; "
    "run `amazon-tui resume` to finish it once the service answers."
)


def _kept_in_journal(service, args: argparse.Namespace, error: Exception) -> int:
    """A service failed after the journal took the cancellation: say so, and how it finishes."""
    from amazon_tui.cli.errors import report

    print(RESUME_HINT, file=sys.stderr)
    return report(
        "service",
        f"{error} (the cancellation is kept in the journal; `amazon-tui resume` finishes it)",
        as_json=args.json,
        sandbox=service.settings.sandbox,
        error=error,
    )


async def order_cancel_command(service, args: argparse.Namespace) -> int:
    from amazon_tui.clients.errors import ServiceError
    from amazon_tui.core.cancel.rules import SUCCESS_MESSAGE, CancelRefused

    reason, ids = await _checked_request(service, args)
    try:
        submissions = await service.cancel(ids, reason)  # reads each order again first (status changed?)
    except CancelRefused as exc:
        raise Refused(str(exc), code=exc.code.value) from None
    except ServiceError as exc:
        if not service.pending_cancellations():
            raise
        return _kept_in_journal(service, args, exc)
    refused = [item for submission in submissions for item in submission.refused]
    failed = [item for submission in submissions for item in submission.failed]
    submitted = [entry for submission in submissions for entry in submission.submitted]
    if refused and not submitted and not failed:  # Amazon's fresh copy says no (a status changed meanwhile)
        raise Refused("; ".join(safe_text(r.describe()) for r in refused), code=refused[0].code.value)
    problems = [(r.order_id, r.describe()) for r in refused] + [(f.order_id, f.describe()) for f in failed]
    for order_id, why in problems:
        print(f"{order_id}: {safe_text(why)}", file=sys.stderr)
    results: dict[str, Result] = {
        entry.order_id: Result(entry.order_id, "submitted", entry.feed_id) for entry in submitted
    }
    if submitted:  # ASC's "has been canceled" waits for Amazon's order to say so (a feed can be refused)
        feeds = ", ".join(dict.fromkeys(entry.feed_id or "?" for entry in submitted))
        print(
            f"Submitted {len(submitted)} cancellation(s) to Amazon (feed {feeds}): "
            "an order is canceled only once Amazon's order says so.",
            file=sys.stderr,
        )
    completer = service.leader.leader_description() if submitted and not args.wait else None
    if submitted and not args.wait:
        print(
            f"Amazon's report will be collected by {completer}." if completer else NO_LEADER, file=sys.stderr
        )
    if submitted and args.wait:
        print("Waiting for Amazon's processing report…", file=sys.stderr)
        try:
            finished = await service.finish_cancellations(submissions)
        except ServiceError as exc:
            return _kept_in_journal(service, args, exc)
        for entry in finished:
            results[entry.order_id] = Result.of(entry)
            failure = f" — {safe_text(entry.message)}" if entry.state.value == "failed" else ""
            print(f"{entry.order_id}: {entry.state.value}{failure}", file=sys.stderr)
        await _reread_failed(service, [e.order_id for e in finished if e.state is CancelState.FAILED])
        if any(entry.state is CancelState.CANCELED for entry in finished):
            print(SUCCESS_MESSAGE, file=sys.stderr)
    rows = list(results.values())
    rows += [
        Result(r.order_id, "refused", None, r.describe(), r.code.value, r.refusal.reason) for r in refused
    ]
    rows += [Result(f.order_id, "failed", None, f.describe(), "service", f.cause) for f in failed]
    _print_results(service, args, rows, completer, len(results))
    if failed or any(result.state == "failed" for result in results.values()):
        return EXIT_SERVICE
    return EXIT_REFUSED if refused else EXIT_OK


async def _reread_failed(service, order_ids: list[str]) -> None:
    """Amazon refused (the order shipped first…): the local copy takes Amazon's order as it is now,
    so ``orders`` and the TUI show Shipped, not the Unshipped the cancellation started from."""
    from amazon_tui.clients.errors import ServiceError

    for order_id in order_ids:
        try:
            order = await service.refresh_order(order_id, force=True)
        except ServiceError as exc:
            print(
                f"amazon-tui: {order_id}: could not read Amazon's order again: {safe_text(exc)}",
                file=sys.stderr,
            )
        else:
            print(f"{order_id}: Amazon says the order is {order.status.label}", file=sys.stderr)


async def _checked_request(service, args: argparse.Namespace) -> tuple[CancelReason, list[str]]:
    """The reason and the orders, once every rule and the operator said yes (Refused otherwise)."""
    reason: CancelReason = args.reason
    if service.read_only:
        from amazon_tui.core.cancel.rules import READ_ONLY_MESSAGE

        raise Refused(READ_ONLY_MESSAGE, code="read_only")
    orders = [await load_order(service, order_id, refresh=False) for order_id in dict.fromkeys(args.orders)]
    for order in orders:
        refusal = service.cancel_refusal(order)
        unfinished = service.cancellation(order.order_id)
        if unfinished is not None and not unfinished.state.final:
            # an earlier cancellation a crash or a closed session left: this run finishes it
            print(
                f"{order.order_id}: finishing the cancellation requested at "
                f"{unfinished.requested_at:%Y-%m-%d %H:%M} UTC ({unfinished.state.value})",
                file=sys.stderr,
            )
        elif refusal:
            why = f"order {order.order_id} ({order.status.label}): {refusal.reason}"
            raise Refused(why, code=refusal.code.value)
    ids = [order.order_id for order in orders]
    if not args.yes and not _confirm(ids, reason):
        raise Refused("not confirmed: nothing was sent", code="not_confirmed")
    return reason, ids


class Result(NamedTuple):
    """One order's line of ``order cancel``: its state, and for a failure its typed kind and bare
    cause (Amazon's words) beside the whole message."""

    order_id: str
    state: str
    feed_id: str | None
    message: str | None = None
    failure: str | None = None  # a journal Failure or a RefusalCode value, or "service"
    cause: str | None = None

    @classmethod
    def of(cls, entry) -> Result:
        failure = entry.failure.value if entry.failure is not None else None
        return cls(entry.order_id, entry.state.value, entry.feed_id, entry.message, failure, entry.cause)

    def as_json(self) -> dict:
        return {
            "order_number": self.order_id,
            "state": self.state,
            "feed_id": self.feed_id,
            "message": self.message,
            "failure": self.failure,
            "cause": self.cause,
        }


def _print_results(
    service,
    args: argparse.Namespace,
    rows: list[Result],
    completer: str | None,
    sent: int,
) -> None:
    """One JSON document, or a line per sent order on stdout (refusals went to stderr)."""
    if args.json:
        print_document(service, completed_by=completer, results=[row.as_json() for row in rows])
        return
    for oid, state, feed, message, _, _ in rows[:sent]:
        failure = f"\t{safe_text(message)}" if message and state == "failed" else ""
        print(f"{oid}\t{state}\tfeed {feed}{failure}")


async def resume_command(service, args: argparse.Namespace) -> int:
    """Finish the cancellations and shipment confirmations a crash, a kill or a closed session
    left in the journals."""
    from amazon_tui.cli.commands.ship import resume_shipments

    pending = service.pending_cancellations()
    shipments = await resume_shipments(service)
    if not pending:
        if args.json:
            print_document(service, results=[], shipments=shipments.rows)
        elif not shipments.rows:
            print("No unfinished cancellations or shipment confirmations.", file=sys.stderr)
        return EXIT_SERVICE if shipments.failed else EXIT_OK
    print(f"Resuming {len(pending)} unfinished cancellation(s)…", file=sys.stderr)
    await service.resume_cancellations()
    entries = [service.cancellation(entry.order_id) or entry for entry in pending]
    await _reread_failed(service, [e.order_id for e in entries if e.state is CancelState.FAILED])
    still = {entry.order_id for entry in service.pending_cancellations()}
    rows = [
        {
            "order_number": e.order_id,
            "state": e.state.value,
            "feed_id": e.feed_id,
            "magento_done": e.magento_done,
            "message": e.message,
            "failure": e.failure.value if e.failure is not None else None,
            "cause": e.cause,
            "unfinished": e.order_id in still,
        }
        for e in entries
    ]
    if args.json:
        print_document(service, results=rows, shipments=shipments.rows)
    else:
        for row in rows:
            print(
                f"{row['order_number']}\t{row['state']}\tfeed {row['feed_id']}"
                + ("\tunfinished" if row["unfinished"] else "")
                + (f"\t{safe_text(row['message'])}" if row["state"] == "failed" else "")
            )
    if still or shipments.failed or any(row["state"] == "failed" for row in rows):
        return EXIT_SERVICE
    return EXIT_OK
