"""Sync: Amazon's orders and the Magento link index into the local store, store by store."""
