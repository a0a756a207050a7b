"""The application without a UI: sync, cancellation, leadership, notifications, the service."""
