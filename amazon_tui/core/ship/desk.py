"""Shipment confirmation as the screens and commands ask for it: may I, do it, what happened."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from amazon_tui.core.leadership.leader import TICK, Leader
from amazon_tui.core.ship.engine import ShipmentEngine
from amazon_tui.core.ship.mapping import Unmatched, match_items
from amazon_tui.core.ship.records import ShipRecords
from amazon_tui.core.ship.rules import READ_ONLY_MESSAGE, ShipRefusal, ShipRefusalCode, ship_refusal
from amazon_tui.domain.models import Order
from amazon_tui.domain.shipping import (
    OTHER,
    PackageConfirmation,
    PackageItem,
    ShipmentLine,
    amazon_carrier,
    folded,
)
from amazon_tui.local.shipments import DuplicatePackage, ShipmentRequest, ShipmentRow

MANUAL = "manual"
WAIT_SECONDS = 60.0  # how long a request waits for the leader to send (and Amazon to show) it


class ShipRefused(Exception):
    """A rule, or Amazon's fresh copy, says no; nothing was journaled."""

    def __init__(self, refusal: ShipRefusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal

    @property
    def code(self) -> ShipRefusalCode:
        return self.refusal.code


@dataclass(frozen=True)
class ShipmentForm:
    """What the operator typed: carrier (Amazon's code or Magento's), tracking number, and so on."""

    carrier: str
    tracking_number: str
    ship_date: datetime
    carrier_name: str | None = None
    shipping_method: str | None = None
    items: Mapping[str, int] | None = None  # SKU -> quantity; None: everything still unshipped


class ShipDesk:
    """The rules on a fresh copy; the journal; then the leader sends (here, or the one that leads)."""

    def __init__(
        self,
        records: ShipRecords,
        engine: Callable[[], ShipmentEngine],
        leader: Leader,
        refresh_order: Callable[[str], Awaitable[Order]],
        ask_leader: Callable[[str], Awaitable[object]],
        *,
        read_only: bool,
        canceling: Callable[[str], bool] = lambda _order_id: False,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """``refresh_order``: a fresh getOrder; ``ask_leader(store)``: have the leader run its
        duties for the store now (a sync request it serves, then sends what is journaled);
        ``canceling(order_id)``: whether a cancellation of the order is under way (none is shipped)."""
        self.records = records
        self.engine = engine
        self.leader = leader
        self.refresh_order = refresh_order
        self.ask_leader = ask_leader
        self.read_only = read_only
        self.canceling = canceling
        self._sleep = sleep

    def refusal(self, order: Order) -> ShipRefusal | None:
        """Why a shipment of ``order`` will not be confirmed here (None when it will)."""
        if not self.read_only and self.canceling(order.order_id):
            return ShipRefusal(
                ShipRefusalCode.NOT_SHIPPABLE,
                "A cancellation of this order is under way: Amazon decides it before any shipment.",
            )
        return ship_refusal(order, read_only=self.read_only)

    def rows(self, order_id: str) -> list[ShipmentRow]:
        return self.records.journal.of_order(order_id)

    def package(self, order: Order, form: ShipmentForm, package_id: str) -> PackageConfirmation:
        """The package the form describes (ShipRefused when it cannot be one)."""
        from pydantic import ValidationError

        if form.items is None:
            items = tuple(
                PackageItem(order_item_id=item.order_item_id, quantity=item.quantity_unshipped)
                for item in order.items
                if item.quantity_unshipped > 0
            )
        else:
            named = [sku.strip().casefold() for sku in form.items]
            if len(set(named)) != len(named):
                raise ShipRefused(
                    ShipRefusal(ShipRefusalCode.NOTHING_TO_SHIP, "each SKU may be named once (in any case)")
                )
            lines = [ShipmentLine(sku=sku, qty=qty) for sku, qty in form.items.items()]
            matched = match_items(order, lines, "The shipment")
            if isinstance(matched, Unmatched):
                raise ShipRefused(ShipRefusal(ShipRefusalCode.NOTHING_TO_SHIP, matched.cause))
            items = matched
        code, name = amazon_carrier(form.carrier, form.carrier_name)
        if code == OTHER and not name:
            raise ShipRefused(
                ShipRefusal(ShipRefusalCode.NOTHING_TO_SHIP, "a carrier Amazon does not list needs its name")
            )
        try:
            return PackageConfirmation(
                package_reference_id=package_id,
                carrier_code=code,
                carrier_name=name,
                shipping_method=form.shipping_method or None,
                tracking_number=form.tracking_number.strip(),
                ship_date=form.ship_date,
                items=items,
            )
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise ShipRefused(
                ShipRefusal(ShipRefusalCode.NOTHING_TO_SHIP, f"{where}: {problem['msg']}")
            ) from None

    async def ship(self, order_id: str, form: ShipmentForm) -> ShipmentRow:
        """Journal the package on a fresh copy of the order, then have it sent; the row as it
        stands once Amazon answered (or the wait ended). A shipment of the order still under way
        is finished instead (never a second package for the same items). Raises ShipRefused."""
        if self.read_only:
            raise ShipRefused(ShipRefusal(ShipRefusalCode.READ_ONLY, READ_ONLY_MESSAGE))
        box = folded(form.tracking_number)
        same = [
            row
            for row in self.records.journal.of_order(order_id)
            if not row.state.final and folded(row.tracking_number) == box
        ]
        if same:  # this box is under way (a crash, a closed session, a command run twice): finished
            return (await self.finish(same[:1]))[0]
        order = await self.refresh_order(order_id)
        refusal = self.refusal(order)
        if refusal is not None:
            raise ShipRefused(refusal)
        now = self.records.clock()
        package_id = str(int(now.timestamp() * 1000))  # positive numeric, unique per order
        package = self.package(order, form, package_id)
        wanted = ShipmentRequest(
            order_id=order.order_id,
            store=order.store,
            package_id=package_id,
            source=MANUAL,
            operator=self.records.operator,
            package=package,
        )
        try:
            row = self.records.request(wanted)
        except DuplicatePackage as exc:  # the same box, journaled by another process a moment ago
            row = exc.row
        return (await self.finish([row]))[0]

    async def finish(
        self, rows: Sequence[ShipmentRow], *, seconds: float = WAIT_SECONDS
    ) -> list[ShipmentRow]:
        """Drive these rows as the leader (asking Amazon at once), or have the leader do it."""
        ids = {row.id for row in rows}
        journal = self.records.journal
        limit = self.leader.now() + seconds
        asked = False
        while True:
            async with self.leader.job() as leading:
                fence = self.leader.fence() if leading else None
                if fence is not None:
                    await self.engine().drive_once(ids, fence=fence, read=True)
            current = [journal.get(row_id) for row_id in sorted(ids)]
            if all(row.state.final for row in current) or self.leader.now() >= limit:
                return current
            if fence is None and not asked:
                asked = True
                for store in dict.fromkeys(row.store for row in current):
                    await self.ask_leader(store)
                continue
            await self._sleep(TICK)
