"""Magento shipments of linked Amazon orders that Amazon still has to ship, journaled once.

Per store, the orders Amazon has Unshipped or Partially Shipped whose Magento order changed
since their shipments were last read (``shipment_candidates``); their shipments are read in
chunks (``GET /V1/shipments`` by ``order_id``), and each one not journaled yet becomes a row:
``requested`` with its package, or ``failed`` with why it cannot be one (no tracking number,
items Amazon's order does not hold) — taken up again when Magento completes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from amazon_tui.core.ship.mapping import Unmatched, package_for
from amazon_tui.core.ship.records import ShipRecords
from amazon_tui.domain.models import Order, OrderItem
from amazon_tui.domain.shipping import MagentoShipment, PackageConfirmation, folded
from amazon_tui.local.db import Database
from amazon_tui.local.lease import Fence
from amazon_tui.local.shipments import (
    Candidate,
    DuplicatePackage,
    ShipFailure,
    ShipmentRequest,
    ShipmentRow,
    ShipState,
    mark_shipments_read,
    shipment_candidates,
)

if TYPE_CHECKING:
    from amazon_tui.clients.magento.client import MagentoClient

CHUNK = 50  # Magento order ids per search (the URL stays short)
MAGENTO = "magento"


class ShipmentDiscovery:
    """Finds the Magento shipments that Amazon has not been told about."""

    def __init__(
        self, records: ShipRecords, db: Database, magento: Callable[[], MagentoClient | None]
    ) -> None:
        self.records = records
        self.db = db
        self.magento = magento

    async def discover(self, store: str, fence: Fence) -> list[ShipmentRow]:
        """The rows journaled (or taken up again) for ``store``'s Magento shipments."""
        from amazon_tui.clients.magento.criteria import SearchCriteria

        client = self.magento()
        candidates = shipment_candidates(self.db, store)
        if client is None or not candidates:
            return []
        rows: list[ShipmentRow] = []
        for start in range(0, len(candidates), CHUNK):
            chunk = candidates[start : start + CHUNK]
            by_entity = {c.entity_id: c for c in chunk}
            found: dict[int, list[MagentoShipment]] = defaultdict(list)
            criteria = SearchCriteria().where("order_id", sorted(by_entity), "in").sort_by("entity_id")
            async for shipment in client.iter_shipments(criteria):
                if shipment.order_entity_id in by_entity:  # a server that ignores the filter
                    found[shipment.order_entity_id].append(shipment)
            for entity_id, shipments in found.items():
                rows += await self._journal(by_entity[entity_id], shipments, client, fence)
            mark_shipments_read(
                self.db,
                chunk,
                now=self.records.clock(),
                fence=fence,
                lease_now=self.records.journal.lease_clock(),
            )
        return rows

    async def _journal(
        self, candidate: Candidate, shipments: list[MagentoShipment], client: MagentoClient, fence: Fence
    ) -> list[ShipmentRow]:
        journaled = self.records.journal.of_order(candidate.order_id)
        by_package = {row.package_id: row for row in journaled}
        fresh = []
        for shipment in sorted(shipments, key=lambda s: s.entity_id):
            row = by_package.get(str(shipment.entity_id))
            if row is None or (row.state is ShipState.FAILED and row.failure is ShipFailure.UNMATCHED):
                fresh.append((shipment, row))
        if not fresh:
            return []
        order = self.records.repo.get(candidate.order_id)
        if order is None:
            return []
        boxes = {folded(package.tracking_number) for package in order.packages} | {
            folded(row.tracking_number) for row in journaled if row.state is not ShipState.FAILED
        }
        fresh = [(shipment, row) for shipment, row in fresh if not _same_box(shipment, boxes)]
        if not fresh:
            return []
        method = (await client.get_order(candidate.entity_id)).shipping_description
        rows = []
        for shipment, row in fresh:
            package = package_for(order, shipment, method)
            if row is not None:  # a shipment that could not be one: taken up again once it can
                if not isinstance(package, Unmatched):
                    rows.append(self._take_up(row, package, fence))
                continue
            wanted = ShipmentRequest(
                order_id=candidate.order_id,
                store=candidate.store,
                package_id=str(shipment.entity_id),
                source=MAGENTO,
                operator=self.records.operator,
                magento_shipment_id=shipment.entity_id,
                package=None if isinstance(package, Unmatched) else package,
                failure=ShipFailure.UNMATCHED if isinstance(package, Unmatched) else None,
                cause=package.cause if isinstance(package, Unmatched) else None,
            )
            try:
                rows.append(self.records.request(wanted))
            except DuplicatePackage:  # another process journaled it a moment ago
                continue
            if not isinstance(package, Unmatched):
                order = order.model_copy(update={"items": _less(order, package)})
        return rows

    def _take_up(self, row: ShipmentRow, package: PackageConfirmation, fence: Fence) -> ShipmentRow:
        return self.records.move(
            row,
            ShipState.REQUESTED,
            fence,
            audit=("requested", "The Magento shipment can be confirmed now."),
            failure=None,
            cause=None,
            carrier_code=package.carrier_code,
            carrier_name=package.carrier_name,
            tracking_number=package.tracking_number,
            shipping_method=package.shipping_method,
            ship_date=package.ship_date,
            items=package.items,
        )


def _same_box(shipment: MagentoShipment, boxes: set[str]) -> bool:
    """A box Amazon's order shows already, or one of ours (confirmed by hand, another shipment):
    its tracking number says so. It is not sent again, nor listed as missing."""
    numbers = {folded(track.number) for track in shipment.tracks} - {""}
    return bool(numbers) and numbers <= boxes


def _less(order: Order, package: PackageConfirmation) -> tuple[OrderItem, ...]:
    """The order's items with the package's quantities taken off what is unshipped."""
    taken = {item.order_item_id: item.quantity for item in package.items}
    return tuple(
        item.model_copy(
            update={"quantity_unshipped": item.quantity_unshipped - taken.get(item.order_item_id, 0)}
        )
        for item in order.items
    )
