"""Carries every shipment row to its end as the data dir's leader: confirmed once, or failed.

requested -> sending -> confirming -> confirmed | failed. Before each confirmShipment, a fresh
getOrder: a package Amazon already holds is ``confirmed`` without a request, an order Amazon no
longer has to ship is ``failed``. Amazon's 204 means accepted, not applied: the order's packages
decide. An answer that was lost (a 5xx, a timeout after sending, a crash) is settled from the
order as well; the row is sent once more only when the order still lacks the package well after
the attempt, and Amazon refuses a package id it holds already. Amazon's 400 is ``failed`` with
Amazon's words, unless the order shows the package (a refused repeat of an applied one).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from amazon_tui.clients.errors import ServiceError
from amazon_tui.core.cancel.rules import may_have_landed
from amazon_tui.core.schedule import Schedule
from amazon_tui.core.ship.discover import ShipmentDiscovery
from amazon_tui.core.ship.records import ShipRecords
from amazon_tui.core.ship.rules import ship_refusal
from amazon_tui.domain.models import Order
from amazon_tui.domain.shipping import folded
from amazon_tui.local.fenced import LeaseLost
from amazon_tui.local.lease import Fence
from amazon_tui.local.shipments import ShipFailure, ShipmentMoved, ShipmentRow, ShipState

if TYPE_CHECKING:
    from amazon_tui.clients.amazon.orders import OrdersClient
    from amazon_tui.clients.amazon.shipments import ShipmentsClient

FRESH = timedelta(minutes=5)  # a local copy synced this recently stands for Amazon's order
RESEND_AFTER = timedelta(minutes=2)  # a lost answer's package still absent this long after: send again
MAX_ATTEMPTS = 2
REFUSALS = (400, 404, 409, 422)  # Amazon's answers that refuse the confirmation itself
CONFIRM_NOW_MAX = 10  # a pass with this few rows reads each order right after its confirmation
READ_AFTER = timedelta(minutes=5)  # a confirming row whose copy lacks the package: getOrder
GIVE_UP = timedelta(hours=1)  # accepted by Amazon, yet absent from its order this long: failed


class ShipmentApis(Protocol):
    """A store's SP-API clients, by store name (``core.gateway.Gateway``)."""

    def orders(self, name: str) -> OrdersClient: ...

    def shipments(self, name: str) -> ShipmentsClient: ...

    def marketplace_id(self, name: str) -> str: ...


def holds_package(order: Order, row: ShipmentRow) -> bool:
    """Whether Amazon's order shows this box: a package with the row's tracking number.

    The tracking number, not the package reference id alone, says it is ours: another
    application may use the same small numbers as references, and a box confirmed by hand that
    the warehouse records in Magento later is one box, whichever reference it went under.
    """
    wanted = folded(row.tracking_number)
    return bool(wanted) and any(folded(package.tracking_number) == wanted for package in order.packages)


class ShipmentEngine:
    """Discovers Magento shipments (when enabled) and drives every unfinished row."""

    def __init__(
        self,
        records: ShipRecords,
        amazon: ShipmentApis,
        discovery: ShipmentDiscovery | None,
        holds: Callable[[Fence], bool],
        *,
        stores: Callable[[], Sequence[str]],
        synced_at: Callable[[str], datetime | None],
    ) -> None:
        """``discovery``: None when Magento shipments are not confirmed automatically
        (``[magento] confirm_shipments = false`` or no Magento); ``stores``: the active stores;
        ``synced_at(store)``: when the store's orders were last synced (its local copies' age)."""
        self.records = records
        self.amazon = amazon
        self.discovery = discovery
        self.holds = holds
        self.stores = stores
        self.synced_at = synced_at
        self.schedule = Schedule()
        self.failures: dict[int, str] = {}  # row id -> the last service failure of its step
        self.discovery_error: str | None = None  # why the last look at Magento's shipments failed

    def _check(self, fence: Fence) -> None:
        if not self.holds(fence):
            raise LeaseLost(f"this process no longer leads the data dir (epoch {fence.epoch})")

    def unfinished(self, only: set[int] | None = None) -> list[ShipmentRow]:
        return [row for row in self.records.journal.unfinished() if only is None or row.id in only]

    async def drive_once(
        self,
        only: set[int] | None = None,
        *,
        fence: Fence,
        discover: bool = True,
        read: bool = False,
        stores: Sequence[str] | None = None,
    ) -> list[ShipmentRow]:
        """Discover (unless ``only`` or not ``discover``), then take each due step; the rows moved.

        ``read``: ask Amazon for each order now, rather than wait for a sync to bring the package
        (an operator waits on the answer); ``stores``: discover only these (default: every active
        store). A discovery failure is kept in ``discovery_error`` and the rows are driven anyway;
        a service failure of one row backs that row off and the
        pass goes on; a lost lease ends it.
        """
        moved: list[ShipmentRow] = []
        try:
            if discover and only is None and self.discovery is not None:
                moved += await self._discover(stores if stores is not None else self.stores(), fence)
            rows = self.unfinished(only)
            confirm_now = read or len(rows) <= CONFIRM_NOW_MAX
            for row in rows:
                step = f"ship:{row.id}"
                if row.state is ShipState.CONFIRMING and self._held_locally(row):  # no request: at once
                    with contextlib.suppress(ShipmentMoved):  # another process moved it: theirs now
                        moved.append(self.records.confirmed(row, fence, "Amazon's order holds the package."))
                    self.schedule.done(step)
                    continue
                if not self.schedule.due(step):
                    continue
                self.schedule.later(step)
                try:
                    done = await self._step(row, fence, read, confirm_now)
                except ServiceError as exc:  # backed off; the row keeps its state
                    self.failures[row.id] = str(exc)
                    continue
                if done is not None and done != row:
                    moved.append(done)
                    if done.state.final:
                        self.schedule.done(step)
        except LeaseLost:  # another process leads now: it carries on
            pass
        return moved

    async def _discover(self, stores: Sequence[str], fence: Fence) -> list[ShipmentRow]:
        assert self.discovery is not None
        found: list[ShipmentRow] = []
        self.discovery_error = None
        for store in stores:
            self._check(fence)
            try:
                found += await self.discovery.discover(store, fence)
            except ServiceError as exc:  # Magento is down or odd: the next sync reads again
                self.discovery_error = f"{store}: {exc}"
        return found

    def _held_locally(self, row: ShipmentRow) -> bool:
        """Whether the local copy (a sync or an ORDER_CHANGE brought it) shows the package."""
        local = self.records.repo.get(row.order_id)
        return local is not None and holds_package(local, row)

    def _local(self, row: ShipmentRow) -> Order | None:
        """The local copy when it is fresh — the store synced, or the order was read from Amazon
        (a request by hand reads it right before journaling), within ``FRESH`` — so that it
        stands for Amazon's order."""
        now = self.records.clock()
        read = [self.synced_at(row.store), self.records.repo.detail_fetched(row.order_id)]
        if not any(when is not None and now - when <= FRESH for when in read):
            return None
        return self.records.repo.get(row.order_id)

    async def _step(
        self, row: ShipmentRow, fence: Fence, read: bool, confirm_now: bool
    ) -> ShipmentRow | None:
        try:
            match row.state:
                case ShipState.REQUESTED:
                    return await self.send(row, fence, confirm_now=confirm_now)
                case ShipState.SENDING:
                    return await self.resolve(row, fence)
                case _:
                    return await self.confirm(row, fence, read=read)
        except ShipmentMoved:
            return None

    async def read_order(self, row: ShipmentRow, fence: Fence) -> Order:
        self._check(fence)
        order = await self.amazon.orders(row.store).get_order(row.order_id)
        self.records.repo.upsert([order], now=self.records.clock(), detail=True)
        return order

    async def send(self, row: ShipmentRow, fence: Fence, *, confirm_now: bool = False) -> ShipmentRow:
        """Amazon's order (a fresh local copy, else getOrder), then ONE
        confirmShipment, journaled ``sending`` before it leaves; with ``confirm_now``, Amazon's
        order is read right after (else a sync or ORDER_CHANGE brings the package)."""
        order = self._local(row) or await self.read_order(row, fence)
        if holds_package(order, row):
            return self.records.confirmed(row, fence, "Amazon's order holds the package already.")
        refusal = ship_refusal(order, read_only=False)
        if refusal is not None:
            return self.records.fail(row, fence, ShipFailure.NOT_SHIPPABLE, refusal.reason)
        sending = self.records.move(
            row,
            ShipState.SENDING,
            fence,
            attempts=row.attempts + 1,
            attempted_at=self.records.clock(),
            cause=None,
        )
        self._check(fence)
        try:
            await self.amazon.shipments(row.store).confirm_shipment(
                row.order_id, row.package(), self.amazon.marketplace_id(row.store)
            )
        except ServiceError as exc:
            return await self._refused(sending, exc, fence)
        confirming = self.records.move(sending, ShipState.CONFIRMING, fence)
        return await self.confirm(confirming, fence, read=True) if confirm_now else confirming

    async def _refused(self, row: ShipmentRow, error: Exception, fence: Fence) -> ShipmentRow:
        if may_have_landed(error):  # stays ``sending``: the order decides (resolve)
            return self.records.move(
                row, ShipState.SENDING, fence, cause=f"Amazon's answer was lost: {error}"
            )
        status = error.status if isinstance(error, ServiceError) else None
        if status in REFUSALS:  # Amazon read the confirmation and said no (401/403: it did not read it)
            order = await self.read_order(row, fence)
            if holds_package(order, row):  # a repeat of one Amazon applied: refused as a duplicate
                return self.records.confirmed(row, fence, "Amazon's order holds the package.")
            words = error.message if isinstance(error, ServiceError) else str(error)
            return self.records.fail(row, fence, ShipFailure.REFUSED_BY_AMAZON, f"Amazon: {words}")
        # provably not sent (a refused connection): back to ``requested``, tried after the backoff
        return self.records.move(row, ShipState.REQUESTED, fence, cause=f"Not sent: {error}")

    async def resolve(self, row: ShipmentRow, fence: Fence) -> ShipmentRow:
        """A row whose answer was lost (or whose process died mid-request): the order decides."""
        order = await self.read_order(row, fence)
        if holds_package(order, row):
            return self.records.confirmed(row, fence, "Confirmed from Amazon's order (the answer was lost).")
        refusal = ship_refusal(order, read_only=False)
        if refusal is not None:
            return self.records.fail(row, fence, ShipFailure.NOT_SHIPPABLE, refusal.reason)
        since = self.records.clock() - (row.attempted_at or row.updated_at)
        if since < RESEND_AFTER:
            return row
        if row.attempts >= MAX_ATTEMPTS:
            cause = (
                f"Amazon's answers to {row.attempts} confirmations were lost and its order lacks the package"
            )
            return self.records.fail(row, fence, ShipFailure.NOT_CONFIRMED, cause)
        why = (
            "Sending once more: the answer was lost and Amazon's order lacks the package "
            f"after {_minutes(since)}."
        )
        return self.records.move(row, ShipState.REQUESTED, fence, audit=("resend", why))

    async def confirm(self, row: ShipmentRow, fence: Fence, *, read: bool = False) -> ShipmentRow:
        """Amazon accepted it: ``confirmed`` once its order holds the package. The local copy is
        looked at first (a sync or an ORDER_CHANGE brings the package); Amazon is asked when
        ``read``, or once the copy has lagged ``READ_AFTER`` behind the attempt."""
        waited = self.records.clock() - (row.attempted_at or row.updated_at)
        local = self.records.repo.get(row.order_id)
        if local is not None and holds_package(local, row):
            return self.records.confirmed(row, fence, "Amazon's order holds the package.")
        if not read and waited < READ_AFTER:
            return row
        order = await self.read_order(row, fence)
        if holds_package(order, row):
            return self.records.confirmed(row, fence, "Amazon's order holds the package.")
        if waited >= GIVE_UP:
            cause = (
                f"Amazon accepted the confirmation but its order lacks the package after {_minutes(waited)}"
            )
            return self.records.fail(row, fence, ShipFailure.NOT_CONFIRMED, cause)
        return row


def _minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:.0f} min"
