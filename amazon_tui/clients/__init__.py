"""Async clients of the outside services: Login with Amazon, SP-API Orders 2026-01-01 and
Feeds 2021-06-30, and Magento REST. No UI imports: the TUI and the CLI reach them through
``service``."""

from amazon_tui.clients.errors import (
    AuthError,
    BadRequestError,
    ConnectionFailed,
    MalformedResponse,
    NotFoundError,
    ServerError,
    ServiceError,
    ServiceTimeout,
    ThrottledError,
)
from amazon_tui.clients.feeds import Feed, FeedDocument, FeedDocumentUpload, FeedProcessingStatus, FeedsClient
from amazon_tui.clients.http import make_http_client
from amazon_tui.clients.lwa import LwaClient
from amazon_tui.clients.magento import MagentoClient, MagentoPage
from amazon_tui.clients.magento_criteria import Filter, SearchCriteria
from amazon_tui.clients.magento_models import amazon_order_id_from, link_from, link_index_fields
from amazon_tui.clients.retry import RetryPolicy
from amazon_tui.clients.spapi import ALL_INCLUDED, OrdersClient, OrdersPage
from amazon_tui.clients.throttle import USAGE_PLANS, Throttle, TokenBucket, UsagePlan

__all__ = [
    "ALL_INCLUDED",
    "USAGE_PLANS",
    "AuthError",
    "BadRequestError",
    "ConnectionFailed",
    "Feed",
    "FeedDocument",
    "FeedDocumentUpload",
    "FeedProcessingStatus",
    "FeedsClient",
    "Filter",
    "LwaClient",
    "MagentoClient",
    "MagentoPage",
    "MalformedResponse",
    "NotFoundError",
    "OrdersClient",
    "OrdersPage",
    "RetryPolicy",
    "SearchCriteria",
    "ServerError",
    "ServiceError",
    "ServiceTimeout",
    "ThrottledError",
    "Throttle",
    "TokenBucket",
    "UsagePlan",
    "amazon_order_id_from",
    "link_from",
    "link_index_fields",
    "make_http_client",
]
