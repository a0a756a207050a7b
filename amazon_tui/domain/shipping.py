"""Shipments: a Magento shipment, the package confirmation Amazon is sent, and the carriers.

ASC's merchant-fulfilled workflow: the warehouse ships in Magento with a tracking number and
the Amazon order becomes Shipped. A Magento shipment becomes ONE package of Orders v0
``confirmShipment``: ``packageReferenceId`` is the shipment's entity id, its lines are mapped to
Amazon's order items by SKU, and its carrier to Amazon's carrier list.
"""

# No ``from __future__ import annotations``: pydantic reads the annotations as objects (see models.py).

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

OTHER = "Other"

# Amazon's carrier codes that Magento's built-in carriers correspond to (Magento's track
# ``carrier_code``: ups, usps, fedex, dhl; anything else, ``custom`` included, is "Other" with
# the track's title as ``carrierName``).
MAGENTO_CARRIERS = {"ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL"}

# Carrier codes offered in the pickers and recognised in any case or spacing. Orders v0 does not
# enumerate carrierCode (it points to Seller Central's carrier list, which changes); these are
# the well-known ones. A code not listed is sent as "Other" with its name, which Amazon accepts.
AMAZON_CARRIERS = (
    "USPS", "UPS", "UPSMI", "FedEx", "FedEx SmartPost", "DHL", "DHL eCommerce", "DHL Global Mail",
    "OnTrac", "Lasership", "Amazon Shipping", "Canada Post", "Purolator", "Royal Mail", "Parcelforce",
    "Yodel", "Hermes", "Evri", "DPD", "GLS", "TNT", "Deutsche Post", "La Poste", "Chronopost",
    "Colissimo", "Poste Italiane", "SDA", "BRT", "Correos", "SEUR", "MRW", "Nacex", "PostNL",
    "Australia Post", "Japan Post", "Yamato Transport", "Sagawa Express", "Seino Transportation",
    "China Post", "Singapore Post", "India Post", "Blue Dart", "Delhivery", "Estes", "XPO", OTHER,
)  # fmt: skip

_BY_FOLD = {code.casefold().replace(" ", ""): code for code in AMAZON_CARRIERS}


def amazon_carrier(code: str | None, name: str | None = None) -> tuple[str, str | None]:
    """(carrierCode, carrierName) for a carrier given as Magento's code or Amazon's (any case).

    Amazon's own codes and Magento's built-in carriers map to Amazon's code (no name needed);
    anything else is ``Other`` with a name: ``name`` (a track's title), else the code itself.
    """
    given = (code or "").strip()
    mapped = MAGENTO_CARRIERS.get(given.lower()) or _BY_FOLD.get(given.casefold().replace(" ", ""))
    if mapped and mapped != OTHER:
        return mapped, None
    label = (name or "").strip() or (given if given.lower() not in ("", "custom", "other") else "")
    return OTHER, label or None


def folded(tracking_number: str | None) -> str:
    """A tracking number as carriers compare them: no spaces, any case ("" when absent)."""
    return "".join((tracking_number or "").split()).casefold()


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class ShipmentLine(_Model):
    """A Magento shipment item: which product and how many."""

    sku: str | None = None
    qty: int = Field(ge=0)


class Track(_Model):
    """A Magento shipment track: carrier and tracking number."""

    carrier_code: str | None = None
    title: str | None = None
    number: str | None = None


class MagentoShipment(_Model):
    """A shipment of a Magento order (``order_entity_id``: the Magento order's entity id)."""

    entity_id: int
    order_entity_id: int
    increment_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    lines: tuple[ShipmentLine, ...] = ()
    unreadable: tuple[str, ...] = ()  # lines no package can hold, as Magento wrote them ("SKU × 1.5")
    tracks: tuple[Track, ...] = ()


class PackageItem(_Model):
    order_item_id: str
    quantity: int = Field(ge=1)


class PackageConfirmation(_Model):
    """One package of ``confirmShipment``: what Amazon is told was shipped."""

    package_reference_id: str = Field(pattern=r"^[1-9][0-9]{0,18}$")  # "only positive numeric values"
    carrier_code: str = Field(min_length=1, max_length=100)
    carrier_name: str | None = Field(default=None, max_length=100)
    shipping_method: str | None = Field(default=None, max_length=100)
    tracking_number: str = Field(min_length=1, max_length=100)
    ship_date: datetime
    items: tuple[PackageItem, ...] = Field(min_length=1)
