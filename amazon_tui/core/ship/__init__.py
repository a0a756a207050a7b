"""Shipments reach Amazon (DESIGN 5c): Magento shipments and hand-made ones, confirmed once."""
