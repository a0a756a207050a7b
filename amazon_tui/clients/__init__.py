"""Async clients of the outside services: ``amazon/`` (Login With Amazon, SP-API Orders,
Feeds and Notifications, Amazon SQS) and ``magento/`` (Magento REST), on shared HTTP, retry
and throttling. No UI imports: the TUI and the CLI reach them through the core."""
