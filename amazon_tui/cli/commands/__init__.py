"""The scripting commands (stores, orders, order show/cancel, sync, audit...)."""
