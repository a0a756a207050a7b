"""Magento REST: auth (OAuth 1.0a, bearer, admin token), orders, search criteria."""
